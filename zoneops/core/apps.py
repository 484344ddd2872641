from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zoneops.core"
    label = "core"
    verbose_name = "基础"
    # Duties as plain values: core imports no other app (org.permissions collects these).
    permissions = {"calendar.manage": ("维护工作日历", "system_admin")}
