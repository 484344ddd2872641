"""The one way to send a message: :func:`notify`. Idempotent by ``key``: sending the same key to the
same person again (a retried request, a worker restarted mid-run) adds nothing."""

from django.db import transaction
from django.utils import timezone

from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied
from zoneops.notifications.models import Notification


def notify(people, *, kind, title, key, body="", url=""):
    """Put one message in each person's inbox unless that person already has ``key``; returns the new rows."""
    people = [person for person in {person.pk: person for person in people if person is not None}.values()
              if person.is_active]
    if not people:
        return []
    with transaction.atomic():
        have = set(Notification.objects.filter(dedupe_key=key, person__in=people).values_list("person_id", flat=True))
        rows = [Notification(person=person, kind=kind, title=title[:200], body=body[:1000], url=url, dedupe_key=key)
                for person in people if person.pk not in have]
        # ignore_conflicts: a concurrent sender of the same key loses quietly (the unique constraint holds).
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def mark_read(*, actor, notification=None, everything=False):
    """Mark one message (or all of the actor's) read; only the recipient may."""
    now = timezone.now()
    with transaction.atomic():
        if everything:
            count = Notification.objects.filter(person=actor.person, read_at__isnull=True).update(read_at=now)
            if count:
                audit_record(actor, "notification.read_all", None, changes={"count": count})
            return count
        if notification.person_id != actor.person.pk:
            raise PermissionDenied("只能处理自己的消息。")
        if notification.read_at is None:
            notification.read_at = now
            notification.save(update_fields=["read_at"])
        return 1
