from django.urls import path

from zoneops import views as home_views

app_name = "core"
urlpatterns = [
    path("", home_views.home, name="home"),
    path("calendar/", home_views.calendar_view, name="calendar"),
]
