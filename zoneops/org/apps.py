from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zoneops.org"
    label = "org"
    verbose_name = "组织"
