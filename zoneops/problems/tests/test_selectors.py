"""Reads of the problem ledger: scoped lists, the moves an actor may take, the units a problem goes to."""

import pytest

from zoneops.problems import selectors
from zoneops.problems.choices import Status
from zoneops.problems.services import problem_transition
from zoneops.problems.tests.conftest import actor

pytestmark = pytest.mark.django_db


def test_problem_get_is_scoped(problem, people):
    assert selectors.problem_get(user=people.department, pk=problem.pk) == problem
    with pytest.raises(problem.DoesNotExist):
        selectors.problem_get(user=people.outsider, pk=problem.pk)


def test_allowed_moves_follow_who_the_actor_is(problem, people):
    assert selectors.allowed_moves(actor(people.office), problem) == [
        (Status.ASSIGNED, "已交办"), (Status.PARKED, "挂账")]
    assert selectors.allowed_moves(actor(people.department), problem) == []
    problem_transition(actor=actor(people.office), problem=problem, to_status=Status.ASSIGNED)
    problem.refresh_from_db()
    assert [status for status, _ in selectors.allowed_moves(actor(people.department), problem)] == [
        Status.HANDLING, Status.RETURNED]


def test_timeline_lists_every_change_oldest_first(problem, people):
    problem_transition(actor=actor(people.office), problem=problem, to_status=Status.ASSIGNED)
    texts = [event.text for event in selectors.timeline(problem)]
    assert len(texts) == 2 and "提出问题" in texts[0]


def test_a_township_may_hand_a_problem_to_the_zones_departments_but_not_further(people):
    tree = people.tree
    units = set(selectors.assignable_units(people.township))
    assert {tree.town_a, tree.zone, tree.bureau, tree.town_b} <= units
    assert tree.beijing not in units and tree.city not in units
    assert tree.city in set(selectors.assignable_units(people.leader))
