from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zoneops.core"
    label = "core"
    verbose_name = "基础"
