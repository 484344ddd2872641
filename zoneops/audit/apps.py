from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zoneops.audit"
    label = "audit"
    verbose_name = "审计"
