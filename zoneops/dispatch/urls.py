from django.urls import path

from zoneops.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/new/project/<int:project_pk>/", views.task_create, name="task_create_for_project"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/transition/", views.task_transition, name="task_transition"),
    path("tasks/<int:pk>/note/", views.task_note, name="task_note"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/refresh/", views.meeting_agenda_refresh, name="meeting_agenda_refresh"),
    path("meetings/<int:pk>/agenda/add/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/decisions/", views.meeting_decision, name="meeting_decision"),
    path("meetings/<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes_request, name="meeting_minutes_request"),
    path("meetings/<int:pk>/minutes/<str:fmt>/", views.meeting_minutes_download, name="meeting_minutes_download"),
]
