"""工作台: what waits for a person, gathered from every module through one registry.

Core knows no module: each app registers a provider in its ``AppConfig.ready()``::

    from zoneops.core import workbench
    workbench.register("problems", problem_items)

A provider is ``(user, today) -> iterable of WorkItem``; it must return only rows the user may see
(through ``restrict()``). The workbench page and ``/api/v1/workbench`` show the union, most urgent first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from zoneops.core.workdays import preloaded

CALENDAR_REACH_DAYS = 400  # deadlines judged on the workbench lie within this of today (else they query)


class Urgency:
    OVERDUE = 0  # past its deadline or returned: act now
    DUE = 1  # due within the warning window, or waiting for my decision
    TODO = 2  # to do, no pressing date


@dataclass(frozen=True)
class WorkItem:
    module: str  # "问题台账", "项目建设" ...
    kind: str  # stable code for clients: "problem_overdue", "report_review" ...
    label: str  # the badge: "已超期", "待审核" ...
    title: str
    url: str
    urgency: int = Urgency.TODO
    due: date | None = None
    detail: str = ""
    action: str = "处理"  # the one-tap action's text on a phone card


_providers: dict[str, Callable] = {}


def register(name, provider):
    """Add (or replace, on a re-run ``ready()``) the provider called ``name``."""
    _providers[name] = provider


def providers():
    return dict(_providers)


def items_for(user, today=None):
    """Every provider's items for ``user``, most urgent first, then by due date."""
    today = today or timezone.localdate()
    with preloaded(today - timedelta(days=CALENDAR_REACH_DAYS), today + timedelta(days=CALENDAR_REACH_DAYS)):
        items = [item for provider in _providers.values() for item in provider(user, today)]
    return sorted(items, key=lambda item: (item.urgency, item.due or date.max, item.title))
