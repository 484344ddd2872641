from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zoneops.org"
    label = "org"
    verbose_name = "组织"

    def ready(self):
        from zoneops.org import checks  # noqa: F401  registers the scope declaration check
