"""Dating the demo's history: the services stamp timeline entries and inbox messages with the time they
run, so a loader that replays months of work in one second would show every entry as written today.

:class:`History` wraps each dated service call; the timeline entries (问题动态, 督办动态) and messages the
call created are given that day, at a time later than any earlier call's on that day, so every timeline
and inbox reads in the order things happened. Only rows created inside the call are touched.
"""

from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from zoneops.dispatch.models import TaskEvent
from zoneops.notifications.models import Notification
from zoneops.problems.models import ProblemEvent

STAMPED = [(ProblemEvent, "at"), (TaskEvent, "at"), (Notification, "created_at")]
FIRST = time(8, 30)
STEP = timedelta(minutes=7)


class History:
    def __init__(self):
        self._marks = {model: model.objects.aggregate(top=Max("pk"))["top"] or 0 for model, _field in STAMPED}
        self._last = {}  # day → the time given to the latest call on that day

    def _next(self, day, at):
        stamp = timezone.make_aware(datetime.combine(day, at or FIRST))
        if day in self._last and stamp <= self._last[day]:
            stamp = self._last[day] + STEP
        stamp = min(stamp, timezone.now())  # today's history ends now, not this afternoon
        self._last[day] = stamp
        return stamp

    @contextmanager
    def on(self, day, at=None):
        """Rows created inside the block are dated ``day`` (at ``at``, or just after the previous call)."""
        yield
        stamp = self._next(day, at)
        for model, field in STAMPED:
            created = model.objects.filter(pk__gt=self._marks[model])
            top = created.aggregate(top=Max("pk"))["top"]
            if top is not None:
                created.update(**{field: stamp})
                self._marks[model] = top
