"""The agenda a 调度会 builds from the data, on a crafted zone: what is listed, under which heading, and
what is not (closed, pending or outside the meeting's unit, or out of the organiser's scope)."""

from datetime import date, timedelta

import pytest

from zoneops.dispatch import selectors, services
from zoneops.dispatch.choices import AgendaKind, MeetingKind, TaskStatus
from zoneops.dispatch.tests.conftest import actor
from zoneops.org.models import UnitKind
from zoneops.org.tests.factories import UnitFactory
from zoneops.problems.choices import Level, Status
from zoneops.problems.models import Problem
from zoneops.problems.services import problem_transition
from zoneops.problems.tests.factories import ProblemFactory
from zoneops.projects.choices import Stage
from zoneops.projects.models import Milestone, Project
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 9, 28)  # Monday; the meeting is on Tuesday 9月29日, its week ends on Sunday 10月4日


def _project(unit, name, *, overdue_milestones=0, stage=Stage.BUILDING):
    project = ProjectFactory(responsible_unit=unit, name=name)
    Project.objects.filter(pk=project.pk).update(stage=stage, actual_start=date(2026, 3, 1),
                                                 reporting_from=date(2026, 9, 1), year_plan_investment=0)
    for seq in range(1, overdue_milestones + 1):
        Milestone.objects.create(project=project, seq=seq, name=f"节点{seq}", baseline_date=TODAY - timedelta(days=seq),
                                 planned_date=TODAY + timedelta(days=30))
    return project


def _problem(people, title, *, due, unit=None, status=Status.HANDLING, level=Level.UNIT, escalated_unit=None):
    problem = ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a,
                             responsible_unit=unit or people.tree.bureau, title=title)
    if status != Status.PENDING:
        problem_transition(actor=actor(people.office), problem=problem, to_status=Status.ASSIGNED)
    Problem.objects.filter(pk=problem.pk).update(status=status, due_date=due, level=level,
                                                 escalated_unit=escalated_unit)
    return problem


@pytest.fixture
def zone(people):
    tree = people.tree
    elsewhere = UnitFactory(code="other-zone", name="邻区", kind=UnitKind.ZONE, parent=tree.city)
    return type("Zone", (), {
        "red": _project(tree.town_a, "甲镇红灯项目", overdue_milestones=2),
        "black": _project(tree.town_b, "乙镇黑旗项目", overdue_milestones=1),
        "fine": _project(tree.town_a, "甲镇正常项目"),
        "outside": _project(elsewhere, "邻区红灯项目", overdue_milestones=3),
        "escalated": _problem(people, "升级到周调度会的问题", due=TODAY - timedelta(days=20),
                              level=Level.WEEKLY_MEETING, escalated_unit=tree.zone),
        "overdue": _problem(people, "超期问题", due=date(2026, 9, 25)),
        "due_today": _problem(people, "会前到期的问题", due=date(2026, 9, 28)),
        "due_week": _problem(people, "本周到期问题", due=date(2026, 10, 4)),
        "next_week": _problem(people, "下周到期问题", due=date(2026, 10, 5)),
        "closed": _problem(people, "已销号问题", due=date(2026, 9, 20), status=Status.CLOSED),
        "pending": _problem(people, "待交办问题", due=date(2026, 9, 20), status=Status.PENDING),
        "parked": _problem(people, "挂账问题", due=date(2026, 9, 20), status=Status.PARKED),
        "other_zone": _problem(people, "邻区问题", due=date(2026, 9, 20), unit=elsewhere),
    })


def _meeting(people, **changes):
    values = {"kind": MeetingKind.WEEKLY, "title": "第40周调度会", "unit": people.tree.zone,
              "held_on": date(2026, 9, 29), "today": TODAY} | changes
    return services.meeting_create(actor=actor(people.office), **values)


def _agenda(meeting):
    return [(item.kind, item.title) for item in meeting.agenda.order_by("seq")]


def test_the_agenda_lists_what_needs_the_meeting_in_order(people, zone):
    agenda = _agenda(_meeting(people))
    assert agenda == [
        (AgendaKind.RED_LIGHT, "甲镇红灯项目"),
        (AgendaKind.BLACK_FLAG, "乙镇黑旗项目"),
        (AgendaKind.PROBLEM_ESCALATED, "升级到周调度会的问题"),
        (AgendaKind.PROBLEM_OVERDUE, "超期问题"),
        (AgendaKind.PROBLEM_OVERDUE, "会前到期的问题"),  # due on the 28th, the meeting is on the 29th
        (AgendaKind.PROBLEM_DUE, "本周到期问题"),
    ]
    red = _meeting(people, title="再开一次").agenda.get(kind=AgendaKind.RED_LIGHT)
    assert red.project == zone.red and red.unit == people.tree.town_a and red.detail == "红灯，黑旗2个"


def test_a_township_meeting_lists_only_its_own_rows(people, zone):
    agenda = _agenda(services.meeting_create(actor=actor(people.office), kind=MeetingKind.SITE, title="甲镇现场推进会",
                                             unit=people.tree.town_a, held_on=date(2026, 9, 29)))
    assert agenda == [(AgendaKind.RED_LIGHT, "甲镇红灯项目")]  # the problems are the bureau's, not 甲镇's


def test_reports_missing_in_the_last_closed_period_are_listed(people, zone):
    assert not [kind for kind, _ in _agenda(_meeting(people)) if kind == AgendaKind.REPORT_MISSING]  # before 9月 closes
    # September's window closes on 10月5日 (5 days after the month): on 10月12日 September is closed, unfiled.
    agenda = _agenda(_meeting(people, held_on=date(2026, 10, 12), today=date(2026, 10, 12)))
    missing = [title for kind, title in agenda if kind == AgendaKind.REPORT_MISSING]
    assert sorted(missing) == sorted(["甲镇红灯项目", "乙镇黑旗项目", "甲镇正常项目"])


def test_the_last_meetings_open_decisions_come_back_until_they_are_done(people, zone):
    first = _meeting(people, held_on=date(2026, 9, 22), title="第39周调度会")
    office = actor(people.office)
    done = services.decision_record(actor=office, meeting=first, text="完成供地", owner_unit=people.tree.town_a,
                                    due_date=date(2026, 9, 30)).task
    services.decision_record(actor=office, meeting=first, text="协调电力接入", owner_unit=people.tree.bureau,
                             due_date=date(2026, 9, 30))
    township = actor(people.township)
    services.task_transition(actor=township, task=done, to_status=TaskStatus.HANDLING)
    services.task_transition(actor=township, task=done, to_status=TaskStatus.DONE_REQUESTED, reason="已供地")
    services.task_transition(actor=office, task=done, to_status=TaskStatus.CLOSED)
    second = _meeting(people)
    open_items = second.agenda.filter(kind=AgendaKind.OPEN_DECISION)
    assert [(item.title, item.unit) for item in open_items] == [("协调电力接入", people.tree.bureau)]
    monthly = _meeting(people, kind=MeetingKind.MONTHLY, title="9月调度会")  # another kind of meeting: another line
    assert not monthly.agenda.filter(kind=AgendaKind.OPEN_DECISION).exists()


def test_the_agenda_holds_only_what_the_organiser_may_see(people, zone):
    candidates = selectors.agenda_candidates(_meeting(people), user=people.outsider, today=TODAY)
    assert [item["title"] for item in candidates] == ["乙镇黑旗项目"]  # 乙镇 sees its own project, none of 甲镇's


def test_a_problem_closed_before_the_next_meeting_leaves_its_agenda(people, zone):
    assert "超期问题" in dict((t, k) for k, t in _agenda(_meeting(people)))
    Problem.objects.filter(pk=zone.overdue.pk).update(status=Status.CLOSED, closed_on=TODAY)
    assert "超期问题" not in dict((t, k) for k, t in _agenda(_meeting(people, title="下一次")))
