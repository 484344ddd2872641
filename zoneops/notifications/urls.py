from django.urls import path

from zoneops.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("robots/", views.robot_deliveries, name="robots"),
]
