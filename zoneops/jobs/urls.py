from django.urls import path

from zoneops.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.downloads, name="downloads"),
    path("<int:pk>/download/", views.download, name="download"),
]
