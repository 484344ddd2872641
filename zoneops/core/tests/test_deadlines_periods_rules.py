"""Working-day deadlines, fill-in windows and missing periods, rule sets inherited down the unit tree."""

from datetime import date

import pytest

from zoneops.core.deadlines import Deadline, DeadlineState, due_date
from zoneops.core.periods import is_backfill, missing_periods, parse_period, window_closes
from zoneops.core.rulesets import RuleBook, ancestor_paths


@pytest.mark.django_db
class TestDeadlines:
    def test_due_date_skips_spring_festival(self):
        # 2026: 2/15–2/23 off, Saturday 2/14 worked: three working days after 2/13 is 2/25.
        assert due_date(date(2026, 2, 13), 3) == date(2026, 2, 25)

    def test_the_due_day_is_on_time_and_the_next_working_day_is_late(self):
        deadline = Deadline.after(date(2026, 2, 13), 3)
        assert not deadline.is_overdue(date(2026, 2, 25))
        assert deadline.overdue_by(date(2026, 2, 26)) == 1
        # Friday 2/27 → Saturday 2/28 is a make-up working day, Sunday 3/1 is not.
        assert deadline.overdue_by(date(2026, 3, 1)) == 3
        assert deadline.state(date(2026, 2, 26)) == DeadlineState.OVERDUE

    def test_due_soon_counts_working_days_left(self):
        deadline = Deadline.after(date(2026, 11, 2), 10)  # due Monday 11-16
        assert deadline.due == date(2026, 11, 16)
        assert deadline.is_due_soon(date(2026, 11, 13), within=1)  # Friday: one working day left
        assert not deadline.is_due_soon(date(2026, 11, 12), within=1)
        assert deadline.state(date(2026, 11, 3)) == DeadlineState.OPEN

    def test_done_work_stops_the_clock(self):
        on_time = Deadline.after(date(2026, 11, 2), 10, done_on=date(2026, 11, 16))
        late = Deadline.after(date(2026, 11, 2), 10, done_on=date(2026, 11, 17))
        assert on_time.state(date(2027, 1, 1)) == DeadlineState.DONE and on_time.used(date(2027, 1, 1)) == 10
        assert late.state(date(2027, 1, 1)) == DeadlineState.DONE_LATE and late.overdue_by(date(2027, 1, 1)) == 1
        assert not late.is_due_soon(date(2026, 11, 16), within=5)


class TestWindowsAndMissingPeriods:
    def test_window_closes_days_after_the_period(self):
        assert window_closes(parse_period("2026-10"), 5) == date(2026, 11, 5)

    def test_missing_periods_have_no_cap_of_their_own(self):
        missing = missing_periods(parse_period("2023-01"), last_filed_end=None, today=date(2026, 11, 23),
                                  window_days=5)
        assert len(missing) == 46 and missing[0].key == "2023-01" and missing[-1].key == "2026-10"

    def test_the_callers_limit_cuts_the_list(self):
        missing = missing_periods(parse_period("2023-01"), last_filed_end=None, today=date(2026, 11, 23),
                                  window_days=5, limit=24)
        assert len(missing) == 24

    def test_only_periods_after_the_last_filed_and_whose_window_closed(self):
        first = parse_period("2026-01")
        assert [p.key for p in missing_periods(first, last_filed_end=date(2026, 8, 31), today=date(2026, 11, 5),
                                               window_days=5)] == ["2026-09"]  # October's window still open
        assert [p.key for p in missing_periods(first, last_filed_end=date(2026, 8, 31), today=date(2026, 11, 6),
                                               window_days=5)] == ["2026-09", "2026-10"]

    def test_reports_filed_before_the_first_period_do_not_move_it(self):
        first = parse_period("2026-09")
        keys = [p.key for p in missing_periods(first, last_filed_end=date(2025, 12, 31), today=date(2026, 11, 23),
                                               window_days=5)]
        assert keys == ["2026-09", "2026-10"]

    def test_backfill_is_any_period_before_the_first(self):
        first = parse_period("2026-11")
        assert is_backfill(parse_period("2026-10"), first)
        assert not is_backfill(parse_period("2026-11"), first)


class Rules:
    def __init__(self, path, limit):
        self.path, self.limit = path, limit


class TestRuleBook:
    def test_ancestor_paths(self):
        assert ancestor_paths("1/4/9/") == ["1/", "1/4/", "1/4/9/"]
        assert ancestor_paths("") == []

    def book(self):
        return RuleBook([Rules(None, 120), Rules("1/4/", 60), Rules("1/4/9/", 25)], path_of=lambda r: r.path)

    def test_the_nearest_ancestor_or_self_wins(self):
        book = self.book()
        assert book.for_path("1/4/9/").limit == 25  # the unit's own
        assert book.for_path("1/4/9/12/").limit == 25  # inherited from the park
        assert book.for_path("1/4/10/").limit == 60  # the neighbour inherits the zone's
        assert book.for_path("1/41/").limit == 120  # a path that merely starts with "1/4" is not below it
        assert book.for_path("2/").limit == 120  # the platform default

    def test_partition_selects_each_unit_under_its_nearest_rules_once(self):
        conditions = [(rules.limit, condition) for rules, condition in self.book().partition("path")]
        paths = ["1/", "1/4/", "1/4/9/", "1/4/9/12/", "1/4/10/", "1/41/", "2/"]
        chosen = {path: [limit for limit, condition in conditions if _matches(condition, path)] for path in paths}
        assert chosen == {"1/": [120], "1/4/": [60], "1/4/9/": [25], "1/4/9/12/": [25], "1/4/10/": [60],
                          "1/41/": [120], "2/": [120]}


def _matches(condition, path):
    """Evaluate a Q made of ``path__startswith`` lookups against one path (enough for the partition)."""
    from django.db.models import Q

    if not isinstance(condition, Q):
        lookup, value = condition
        assert lookup == "path__startswith"
        return path.startswith(value)
    results = [_matches(child, path) for child in condition.children]
    result = all(results) if condition.connector == Q.AND else any(results)
    return not result if condition.negated else result
