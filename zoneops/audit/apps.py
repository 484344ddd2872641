from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zoneops.audit"
    label = "audit"
    verbose_name = "审计"
    # Duties as plain values: audit imports nothing from org (org.permissions collects these).
    permissions = {"audit.view": ("查看审计日志", "auditor")}
