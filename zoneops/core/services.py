"""Writes to the shared reference tables. Permission checks belong to the caller (core knows no roles)."""

from django.db import transaction

from zoneops.core import hooks
from zoneops.core.models import CalendarDay


@transaction.atomic
def calendar_day_save(*, actor, date, kind, name=""):
    """Mark ``date`` as a holiday or a make-up working day (replacing what was there)."""
    day = CalendarDay.objects.filter(date=date).first() or CalendarDay(date=date)
    before = [day.kind, day.name] if day.pk else None
    day.kind, day.name = kind, name
    day.full_clean()
    day.save()
    hooks.audit_record(actor, "calendar.save", day, changes={"date": date, "before": before, "after": [kind, name]})
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day):
    """Make ``day`` an ordinary day again (weekday = working day, weekend = rest)."""
    hooks.audit_record(actor, "calendar.delete", day, changes={"date": day.date, "kind": day.kind, "name": day.name})
    day.delete()
