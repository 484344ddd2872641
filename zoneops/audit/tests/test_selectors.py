"""The audit log's filters: by action, actor, and a date range (dates in the zone's time)."""

from datetime import date, datetime

import pytest
import time_machine

from zoneops.audit.context import Actor
from zoneops.audit.selectors import audit_entries
from zoneops.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    with time_machine.travel(datetime(2026, 11, 2, 9, 0), tick=False):
        audit_record(Actor.system(), "unit.create", ("org.unit", 1, "甲镇"))
    with time_machine.travel(datetime(2026, 11, 20, 9, 0), tick=False):
        audit_record(Actor(person=None, label="老王"), "sign_in.failed", detail="密码错误")
        audit_record(Actor.system(), "unit.update", ("org.unit", 1, "甲镇"))


def _actions(**filters):
    return [entry.action for entry in audit_entries(**filters)]


def test_without_filters_the_newest_comes_first(entries):
    assert _actions() == ["unit.update", "sign_in.failed", "unit.create"]


def test_action_matches_its_prefix_and_actor_a_part_of_the_name(entries):
    assert _actions(action="unit.") == ["unit.update", "unit.create"]
    assert _actions(actor="老王") == ["sign_in.failed"]
    assert _actions(actor="系统", action="unit.c") == ["unit.create"]


def test_date_range_includes_both_ends(entries):
    assert _actions(since=date(2026, 11, 20)) == ["unit.update", "sign_in.failed"]
    assert _actions(until=date(2026, 11, 2)) == ["unit.create"]
    assert _actions(since=date(2026, 11, 3), until=date(2026, 11, 19)) == []
