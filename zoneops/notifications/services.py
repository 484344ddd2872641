"""The one way to send a message: :func:`notify`. Idempotent by ``key``: sending the same key to the
same person again (a retried request, a worker restarted mid-run) adds nothing."""

from django.db import transaction
from django.utils import timezone

from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.notifications.models import Delivery, Notification, Robot


def notify(people, *, kind, title, key, body="", url="", units=()):
    """Put one message in each person's inbox unless that person already has ``key``; returns the new rows.

    ``units``: also post it to these units' active group robots (once per robot and key, by the worker)."""
    queue_robots(units, text=f"{title}\n{body}".strip(), key=key)
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


def queue_robots(units, *, text, key):
    """Queue ``text`` for the active robots of ``units`` (idempotent by key per robot)."""
    robots = list(Robot.objects.unscoped().filter(unit__in=[u for u in units if u is not None], is_active=True))
    if robots:  # unscoped: the sender reaches every robot of the units it was asked to tell
        Delivery.objects.bulk_create([Delivery(robot=robot, text=text[:2000], dedupe_key=key) for robot in robots],
                                     ignore_conflicts=True)


ROBOT_FIELDS = ("kind", "webhook_url", "secret", "is_active")


def robot_save(*, actor, unit, robot=None, **values):
    """Create or change a unit's group robot (unit.manage on the unit)."""
    from zoneops.org.scope import may_act_on

    if not actor.is_system and not may_act_on(actor, "unit.manage", unit):
        raise PermissionDenied("您无权设置该单位的群机器人。")
    with transaction.atomic():
        robot = robot or Robot(unit=unit)
        for name in ROBOT_FIELDS:
            if name in values:
                setattr(robot, name, values[name])
        robot.full_clean()
        if not robot.webhook_url.startswith(("https://", "http://")):
            raise ValidationError({"webhook_url": "Webhook地址须为http或https。"})
        robot.save()
        audit_record(actor, "robot.save", robot, changes={"kind": robot.kind, "is_active": robot.is_active})
    return robot
