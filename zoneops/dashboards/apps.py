from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """The home page and (later) dashboards and the cockpit: pages that read across every module.

    Top of the import direction: it may read any domain app's selectors; no other app imports it.
    """

    name = "zoneops.dashboards"
    label = "dashboards"
    verbose_name = "首页与驾驶舱"
