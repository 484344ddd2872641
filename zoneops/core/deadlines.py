"""Deadlines counted in working days (工作日时限): due date, due soon, overdue and by how much.

The calendar is :mod:`zoneops.core.workdays` (weekends, 法定节假日 and 调休 from editable rows).
Used by approvals now and by problems and dispatch later.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zoneops.core.workdays import add_workdays, workdays_between


class DeadlineState(StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"

    @property
    def label(self):
        return {"open": "办理中", "due_soon": "即将到期", "overdue": "已超期", "done": "按时办结",
                "done_late": "超期办结"}[self.value]


def due_date(start: date, workdays: int) -> date:
    """The day ``workdays`` working days after ``start`` (the start day itself is not counted)."""
    return add_workdays(start, workdays)


@dataclass(frozen=True)
class Deadline:
    """``workdays`` working days from ``start``; ``done_on`` when the work finished."""

    start: date
    workdays: int
    due: date
    done_on: date | None = None

    @classmethod
    def after(cls, start, workdays, done_on=None):
        return cls(start, workdays, due_date(start, workdays), done_on)

    def used(self, today):
        """Working days used so far (or until it was done)."""
        return workdays_between(self.start, self.done_on or today)

    def overdue_by(self, today):
        """Working days past the due date (0 when not overdue); the due day itself is still on time."""
        return workdays_between(self.due, self.done_on or today)

    def is_overdue(self, today):
        return self.overdue_by(today) > 0

    def is_due_soon(self, today, within):
        """Not done and at most ``within`` working days left (and not yet overdue)."""
        return self.done_on is None and not self.is_overdue(today) and workdays_between(today, self.due) <= within

    def state(self, today, within=3):
        if self.done_on is not None:
            return DeadlineState.DONE_LATE if self.is_overdue(today) else DeadlineState.DONE
        if self.is_overdue(today):
            return DeadlineState.OVERDUE
        return DeadlineState.DUE_SOON if self.is_due_soon(today, within) else DeadlineState.OPEN
