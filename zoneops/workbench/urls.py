from django.urls import path

from zoneops.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.landing, name="landing"),
]
