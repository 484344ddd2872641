from django.urls import path

from zoneops import views as home_views
from zoneops.core import views

app_name = "core"
urlpatterns = [
    path("", home_views.home, name="home"),
    path("calendar/", views.calendar_view, name="calendar"),
]
