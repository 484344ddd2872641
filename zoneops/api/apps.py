from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zoneops.api"
    label = "zoneops_api"
    verbose_name = "API"
