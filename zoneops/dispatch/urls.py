from django.urls import path

from zoneops.dispatch.views import meetings, tasks

app_name = "dispatch"
urlpatterns = [
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/new/project/<int:project_pk>/", tasks.task_create, name="task_create_for_project"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/transition/", tasks.task_transition, name="task_transition"),
    path("tasks/<int:pk>/note/", tasks.task_note, name="task_note"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/refresh/", meetings.meeting_agenda_refresh, name="meeting_agenda_refresh"),
    path("meetings/<int:pk>/agenda/add/", meetings.meeting_agenda_add, name="meeting_agenda_add"),
    path("meetings/<int:pk>/attendance/", meetings.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/decisions/", meetings.meeting_decision, name="meeting_decision"),
    path("meetings/<int:pk>/hold/", meetings.meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes_request, name="meeting_minutes_request"),
    path("meetings/<int:pk>/minutes/<str:fmt>/", meetings.meeting_minutes_download, name="meeting_minutes_download"),
]
