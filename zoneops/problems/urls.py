from django.urls import path

from zoneops.problems import views

app_name = "problems"
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("new/", views.problem_create, name="create"),
    path("new/project/<int:project_pk>/", views.problem_create, name="create_for_project"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/", views.categories, name="category_edit"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/transition/", views.problem_transition, name="transition"),
    path("<int:pk>/note/", views.problem_note, name="note"),
]
