"""Working days per China's official calendar: weekends off, statutory holidays off, make-up days on.

The exceptions live in :class:`~zoneops.core.models.CalendarDay` (seeded from the maintained
`chinesecalendar` package, editable by admins when the State Council publishes a new year).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from zoneops.core.models import CalendarDay

# A run of N working days never spans more than this many calendar days per working day,
# even across Spring Festival; used to load the exceptions once instead of per day.
_CALENDAR_DAYS_PER_WORKDAY = 3
_MARGIN_DAYS = 30


# (low, high, {date: kind}) loaded by :func:`preloaded` for the pages that judge many deadlines at once.
_loaded = ContextVar("zoneops_calendar", default=None)


@contextmanager
def preloaded(low, high):
    """Within the block, read the calendar between ``low`` and ``high`` from one query instead of one per
    deadline: a workbench or a list judges dozens of deadlines. Ranges outside it still query."""
    token = _loaded.set((low, high, _query(low, high)))
    try:
        yield
    finally:
        _loaded.reset(token)


def _query(start, end):
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def _exceptions(start, end):
    loaded = _loaded.get()
    if loaded is not None and loaded[0] <= start and end <= loaded[1]:
        return loaded[2]
    return _query(start, end)


def is_workday(day, exceptions=None):
    if exceptions is None:
        exceptions = _exceptions(day, day)
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def add_workdays(start: date, n: int) -> date:
    """The date `n` working days after `start`; the start day itself is not counted.

    `n` may be negative (counting backwards); `n == 0` returns `start` unchanged.
    """
    if n == 0:
        return start
    step = 1 if n > 0 else -1
    span = timedelta(days=abs(n) * _CALENDAR_DAYS_PER_WORKDAY + _MARGIN_DAYS)
    low, high = (start, start + span) if step > 0 else (start - span, start)
    exceptions = _exceptions(low, high)
    day, remaining = start, abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_workday(day, exceptions):
            remaining -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    return sum(
        1 for offset in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=offset), exceptions)
    )


def seed_official_calendar(first_year=2020):
    """Load holidays and make-up days from `chinesecalendar`; keeps rows an admin already edited."""
    from chinese_calendar import constants

    chinese = {holiday.value: holiday.chinese for holiday in constants.Holiday}

    def rows(mapping, kind):
        for day, english in mapping.items():
            if day.year >= first_year:
                yield CalendarDay(date=day, kind=kind, name=chinese.get(english, english or ""))

    candidates = [
        *rows(constants.holidays, CalendarDay.Kind.HOLIDAY),
        *rows(constants.workdays, CalendarDay.Kind.WORKDAY),
    ]
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    new = [row for row in candidates if row.date not in existing]
    CalendarDay.objects.bulk_create(new, batch_size=500)
    return len(new)
