from django.urls import path

from zoneops.exchange import views

app_name = "intake"

urlpatterns = [
    path("<slug:kind>/", views.upload, name="upload"),
    path("<slug:kind>/review/", views.review, name="review"),
]
