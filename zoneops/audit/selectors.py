"""Reads of the audit log. Only people holding ``audit.view`` reach them (the auditor)."""

from zoneops.audit.models import AuditEntry


def audit_entries(*, action="", actor="", since=None, until=None):
    qs = AuditEntry.objects.all()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name__contains=actor)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-id")
