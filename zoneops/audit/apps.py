from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zoneops.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        from zoneops.audit.services import audit_record
        from zoneops.core.hooks import register_audit

        register_audit(audit_record)
