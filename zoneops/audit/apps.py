from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zoneops.audit"
    label = "audit"
    verbose_name = "审计"
    # Duties as plain values: audit imports nothing from org (org.permissions collects these).
    permissions = {"audit.view": ("查看审计日志", "auditor")}

    def ready(self):
        # Core may not import audit (import direction); it reaches the audit log through these hooks.
        from zoneops.audit.context import Actor
        from zoneops.audit.services import audit_record
        from zoneops.core import hooks

        hooks.audit_record.connect(audit_record)
        hooks.actor_from_request.connect(Actor.from_request)
