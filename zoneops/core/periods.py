"""Reporting periods: year, quarter, month, 旬 (ten-day: 1–10, 11–20, 21–end) and ISO week.

A period is identified by a compact key that sorts correctly and fits URLs and Excel:
``2026``, ``2026-Q4``, ``2026-11``, ``2026-11-X2`` (中旬) and ``2026-W48``.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    XUN = "xun"
    WEEK = "week"


_XUN_LABELS = {1: "上旬", 2: "中旬", 3: "下旬"}
_PATTERNS = [
    (PeriodKind.YEAR, re.compile(r"^(\d{4})$")),
    (PeriodKind.QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (PeriodKind.MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (PeriodKind.XUN, re.compile(r"^(\d{4})-(\d{2})-X([1-3])$")),
    (PeriodKind.WEEK, re.compile(r"^(\d{4})-W(\d{2})$")),
]


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: PeriodKind
    key: str
    label: str

    def __contains__(self, day):
        return self.start <= day <= self.end

    def next(self):
        return period_containing(self.kind, self.end + timedelta(days=1))

    def previous(self):
        return period_containing(self.kind, self.start - timedelta(days=1))


def _month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def period_containing(kind, day: date) -> Period:
    kind = PeriodKind(kind)
    y, m = day.year, day.month
    if kind is PeriodKind.YEAR:
        return Period(date(y, 1, 1), date(y, 12, 31), kind, f"{y}", f"{y}年")
    if kind is PeriodKind.QUARTER:
        q = (m - 1) // 3 + 1
        return Period(
            date(y, 3 * q - 2, 1), _month_end(y, 3 * q), kind, f"{y}-Q{q}", f"{y}年第{q}季度"
        )
    if kind is PeriodKind.MONTH:
        return Period(date(y, m, 1), _month_end(y, m), kind, f"{y}-{m:02d}", f"{y}年{m}月")
    if kind is PeriodKind.XUN:
        x = min((day.day - 1) // 10 + 1, 3)
        start = date(y, m, 10 * (x - 1) + 1)
        end = _month_end(y, m) if x == 3 else date(y, m, 10 * x)
        return Period(start, end, kind, f"{y}-{m:02d}-X{x}", f"{y}年{m}月{_XUN_LABELS[x]}")
    iso_year, week, _ = day.isocalendar()
    start = day - timedelta(days=day.weekday())
    return Period(start, start + timedelta(days=6), kind, f"{iso_year}-W{week:02d}", f"{iso_year}年第{week}周")


def parse_period(key: str) -> Period:
    """The period a key names; raises ValueError with a Chinese message for a malformed key."""
    key = (key or "").strip()
    for kind, pattern in _PATTERNS:
        if match := pattern.match(key):
            parts = [int(g) for g in match.groups()]
            try:
                if kind is PeriodKind.YEAR:
                    day = date(parts[0], 1, 1)
                elif kind is PeriodKind.QUARTER:
                    day = date(parts[0], 3 * parts[1] - 2, 1)
                elif kind is PeriodKind.MONTH:
                    day = date(parts[0], parts[1], 1)
                elif kind is PeriodKind.XUN:
                    day = date(parts[0], parts[1], 10 * (parts[2] - 1) + 1)
                else:
                    day = date.fromisocalendar(parts[0], parts[1], 1)
            except ValueError:
                break
            return period_containing(kind, day)
    raise ValueError(f"无法识别的期间“{key}”，应为 2026、2026-Q4、2026-11、2026-11-X2 或 2026-W48。")


def periods_between(kind, start: date, end: date):
    """Every period of `kind` overlapping [start, end], in order."""
    period = period_containing(kind, start)
    while period.start <= end:
        yield period
        period = period.next()


# --- Fill-in windows (填报窗口) and missing periods (缺报) --------------------------------------------

def window_closes(period: Period, window_days: int) -> date:
    """The last day a period can be filed on time: ``window_days`` calendar days after it ends."""
    return period.end + timedelta(days=window_days)


def is_backfill(period: Period, first: Period) -> bool:
    """A period before the first reporting period (补录: history entered later, never late, never missing)."""
    return period.start < first.start


def missing_periods(first: Period, *, last_filed_end: date | None, today: date, window_days: int, limit=None):
    """Periods from ``first`` on, after the last one filed, whose fill-in window closed before ``today``.

    ``last_filed_end`` is the end of the latest period filed (None: nothing filed). ``limit`` (from the
    caller's rules) stops the list after that many periods; there is no cap otherwise.
    """
    period = first
    if last_filed_end and last_filed_end >= first.start:
        period = period_containing(first.kind, last_filed_end)
        if period.end <= last_filed_end:
            period = period.next()
    missing = []
    while window_closes(period, window_days) < today and (limit is None or len(missing) < limit):
        missing.append(period)
        period = period.next()
    return missing
