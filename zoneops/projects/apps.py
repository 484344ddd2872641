from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zoneops.projects"
    label = "projects"
    verbose_name = "项目建设"
