"""督办事项 and 调度会 through the services: who may do what, the loop to 办结, reminders, decisions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneops.audit.models import AuditEntry
from zoneops.core.models import TransitionRecord
from zoneops.dispatch import services
from zoneops.dispatch.choices import AgendaKind, DecisionKind, MeetingKind, MeetingStatus, TaskSource, TaskStatus
from zoneops.dispatch.models import Decision, Meeting, Task
from zoneops.dispatch.tests.conftest import actor
from zoneops.jobs.models import Job
from zoneops.notifications.models import Notification
from zoneops.problems.models import ProblemEvent
from zoneops.problems.tests.factories import ProblemFactory
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 9, 28)  # fixed_today: the Monday before the National Day holiday (10月1日–7日)


def issue(people, **changes):
    values = {"title": "推进甲镇项目用地报批", "instruction": "请招商局牵头，月底前完成报批。",
              "owner_unit": people.tree.bureau, "due_date": date(2026, 10, 9)} | changes
    return services.task_issue(actor=actor(people.office), **values)


def move(person, task, to_status, **options):
    return services.task_transition(actor=actor(person), task=task, to_status=to_status, **options)


def test_a_task_is_issued_to_a_unit_and_its_people_are_told(people):
    task = issue(people)
    assert task.status == TaskStatus.ASSIGNED and task.issuing_unit == people.tree.zone
    assert task.issued_by == people.office and task.issued_on == TODAY
    told = Notification.objects.filter(dedupe_key=f"task:{task.pk}:issued")
    assert set(told.values_list("person", flat=True)) == {people.department.pk}
    assert AuditEntry.objects.filter(action="task.issue", object_id=str(task.pk)).count() == 1
    assert [event.kind for event in task.events.all()] == ["issued"]


def test_only_holders_of_task_issue_over_the_issuing_unit_may_issue(people):
    with pytest.raises(PermissionDenied):
        services.task_issue(actor=actor(people.township), title="甲", instruction="乙", owner_unit=people.tree.bureau,
                            due_date=date(2026, 10, 9))
    with pytest.raises(PermissionDenied):  # handling is not issuing
        services.task_issue(actor=actor(people.department), title="甲", instruction="乙", owner_unit=people.tree.bureau,
                            due_date=date(2026, 10, 9))
    with pytest.raises(PermissionDenied):  # the project office issues for the zone, not in the city's name
        services.task_issue(actor=actor(people.office), title="甲", instruction="乙", owner_unit=people.tree.bureau,
                            due_date=date(2026, 10, 9), issuing_unit=people.tree.city)
    assert not Task.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": " "}, "title"),
    ({"instruction": ""}, "instruction"),
    ({"due_date": date(2026, 9, 27)}, "due_date"),
    ({"due_date": None}, "due_date"),
    ({"source": "rumour"}, "source"),
])
def test_a_bad_task_is_refused_with_the_field_named_and_nothing_written(people, changes, field):
    with pytest.raises(ValidationError) as refused:
        issue(people, **changes)
    assert field in refused.value.message_dict
    assert not Task.objects.exists() and not Notification.objects.exists()


def test_the_owner_must_be_a_unit_the_issuer_may_reach_and_the_person_of_that_unit(people):
    with pytest.raises(ValidationError) as refused:
        issue(people, owner_unit=people.tree.city)
    assert "owner_unit" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        issue(people, owner_person=people.township)
    assert "owner_person" in refused.value.message_dict
    task = issue(people, owner_person=people.department)
    assert task.owner_person == people.department


def test_the_loop_to_done_needs_a_result_and_the_issuers_acceptance(people):
    task = issue(people)
    with pytest.raises(PermissionDenied):
        move(people.outsider, task, TaskStatus.HANDLING)
    move(people.department, task, TaskStatus.HANDLING)
    with pytest.raises(ValidationError) as refused:
        move(people.department, task, TaskStatus.DONE_REQUESTED)
    assert "reason" in refused.value.message_dict
    move(people.department, task, TaskStatus.DONE_REQUESTED, reason="已完成报批，取得批复。")
    with pytest.raises(PermissionDenied):  # the owner does not accept its own work
        move(people.department, task, TaskStatus.CLOSED)
    with pytest.raises(ValidationError):
        move(people.office, task, TaskStatus.HANDLING)  # sending it back needs a reason
    task = move(people.office, task, TaskStatus.CLOSED, on=date(2026, 9, 30))
    assert task.status == TaskStatus.CLOSED and task.closed_on == date(2026, 9, 30)
    assert task.result == "已完成报批，取得批复。"
    assert task.deadline_state(date(2026, 11, 1)).value == "done"
    with pytest.raises(ValidationError) as refused:
        move(people.office, task, TaskStatus.HANDLING, reason="再看看")
    assert "已办结" in str(refused.value)
    history = TransitionRecord.objects.filter(machine="task.status", object_id=task.pk).values_list(
        "from_state", "to_state")
    assert set(history) == {("assigned", "handling"), ("handling", "done_requested"), ("done_requested", "closed")}
    assert AuditEntry.objects.filter(action="task.transition").count() == 3


def test_a_returned_task_is_handed_again_to_another_unit_with_a_new_deadline(people):
    task = issue(people)
    with pytest.raises(ValidationError):
        move(people.department, task, TaskStatus.RETURNED)
    move(people.department, task, TaskStatus.RETURNED, reason="属甲镇职责")
    assert Notification.objects.filter(person=people.office, kind="returned").count() == 1
    with pytest.raises(ValidationError) as refused:
        move(people.office, task, TaskStatus.ASSIGNED, owner_unit=people.tree.town_a, due_date=date(2026, 9, 1))
    assert "due_date" in refused.value.message_dict
    task = move(people.office, task, TaskStatus.ASSIGNED, owner_unit=people.tree.town_a, due_date=date(2026, 10, 16))
    assert (task.owner_unit, task.due_date) == (people.tree.town_a, date(2026, 10, 16))
    assert task.return_reason == "属甲镇职责"
    assert Notification.objects.filter(person=people.township, kind="assigned").count() == 1


def test_notes_are_for_the_owner_and_the_issuing_side(people):
    task = issue(people)
    services.task_note(actor=actor(people.department), task=task, text="已对接自然资源局")
    with pytest.raises(PermissionDenied):
        services.task_note(actor=actor(people.outsider), task=task, text="路过")
    with pytest.raises(ValidationError):
        services.task_note(actor=actor(people.department), task=task, text="  ")
    assert [e.text for e in task.events.filter(kind="note")] == ["已对接自然资源局"]


def test_reminders_count_working_days_over_the_holiday_and_are_sent_once_a_day(people):
    due_soon = issue(people, title="节前到期", due_date=date(2026, 9, 30))  # 2 working days away
    after_holiday = issue(people, title="节后到期", due_date=date(2026, 10, 9))  # 10月1日–7日 off: not yet due soon
    late = issue(people, title="已超期", due_date=date(2026, 9, 28), issued_on=date(2026, 9, 21))
    assert services.remind_due_tasks(today=TODAY) == 2  # due today is still on time: due soon, not overdue
    assert services.remind_due_tasks(today=TODAY) == 0  # a restarted worker repeats nothing
    kinds = dict(Notification.objects.filter(kind__in=["due_soon", "overdue"]).values_list("title", "kind"))
    assert kinds == {"督办事项将于2026-09-30到期：节前到期": "due_soon",
                     "督办事项将于2026-09-28到期：已超期": "due_soon"}
    assert after_holiday.deadline_state(TODAY).value == "open" and due_soon.deadline_state(TODAY).value == "due_soon"
    assert late.deadline_state(TODAY).value == "due_soon"
    # 9月29日 the late one is one working day overdue. The one due on 9月30日: after the holiday (10月1日–7日)
    # 10月8日 and 9日 count, 10月10日 is a make-up Saturday (调休) and counts, Sunday 11日 does not.
    assert late.deadline.overdue_by(date(2026, 9, 29)) == 1
    assert due_soon.deadline.overdue_by(date(2026, 10, 7)) == 0
    assert due_soon.deadline.overdue_by(date(2026, 10, 9)) == 2
    assert due_soon.deadline.overdue_by(date(2026, 10, 10)) == due_soon.deadline.overdue_by(date(2026, 10, 11)) == 3
    assert services.remind_due_tasks(today=date(2026, 9, 29)) == 2  # a new day: the late one overdue, 9-30 due soon
    assert Notification.objects.filter(kind="overdue").count() == 1


# --- 调度会 ----------------------------------------------------------------------------------------------------

def create_meeting(people, **changes):
    values = {"kind": MeetingKind.WEEKLY, "title": "第39周项目调度会", "unit": people.tree.zone,
              "held_on": date(2026, 9, 29)} | changes
    return services.meeting_create(actor=actor(people.office), **values)


def test_only_the_organisers_may_create_a_meeting_and_a_bad_one_is_refused(people):
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=actor(people.leader), kind=MeetingKind.WEEKLY, title="会", unit=people.tree.zone,
                                held_on=TODAY)
    with pytest.raises(ValidationError) as refused:
        create_meeting(people, title="", kind="party", held_on=None)
    assert set(refused.value.message_dict) == {"title", "kind", "held_on"}
    assert not Meeting.objects.exists()


def test_a_decision_becomes_a_task_for_the_items_project(people):
    project = ProjectFactory(responsible_unit=people.tree.town_a, name="甲镇冷链物流中心")
    meeting = create_meeting(people)
    item = services.agenda_add(actor=actor(people.office), meeting=meeting, title="冷链物流中心供地",
                               unit=people.tree.town_a)
    item.project = project
    item.save()
    decision = services.decision_record(actor=actor(people.office), meeting=meeting, agenda_item=item,
                                        text="10月15日前完成土地挂牌", owner_unit=people.tree.town_a,
                                        due_date=date(2026, 10, 15))
    task = decision.task
    assert (task.source, task.issuing_unit, task.project, task.title) == (
        TaskSource.MEETING, people.tree.zone, project, "冷链物流中心供地")
    assert task.instruction == "10月15日前完成土地挂牌" and decision.seq == 1


@pytest.mark.parametrize(("options", "field"), [
    ({"text": ""}, "text"),
    ({"due_date": None}, "due_date"),
    ({"owner_unit": None}, "owner_unit"),
    ({"kind": DecisionKind.PROBLEM}, "agenda_item"),
])
def test_a_decision_without_what_it_needs_is_refused_and_nothing_written(people, options, field):
    meeting = create_meeting(people)
    values = {"text": "限期解决", "owner_unit": people.tree.bureau, "due_date": date(2026, 10, 15)} | options
    with pytest.raises(ValidationError) as refused:
        services.decision_record(actor=actor(people.office), meeting=meeting, **values)
    assert field in refused.value.message_dict
    assert not Decision.objects.exists() and not Task.objects.exists()


def test_a_problem_decision_is_written_on_the_problems_timeline(people):
    problem = ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a,
                             responsible_unit=people.tree.bureau, title="用地指标未落实")
    meeting = create_meeting(people, held_on=date(2026, 10, 12))
    services.agenda_add(actor=actor(people.office), meeting=meeting, title="用地指标未落实")
    item = meeting.agenda.get()
    item.problem = problem
    item.save()
    decision = services.decision_record(actor=actor(people.office), meeting=meeting, agenda_item=item,
                                        kind=DecisionKind.PROBLEM, text="由招商局协调市局解决指标")
    assert decision.owner_unit == people.tree.bureau and not Task.objects.exists()
    assert ProblemEvent.objects.filter(problem=problem, kind="note",
                                       text="第39周项目调度会决定：由招商局协调市局解决指标").exists()


def test_holding_a_meeting_queues_its_minutes_and_closes_the_agenda(people):
    meeting = create_meeting(people)
    held = services.meeting_hold(actor=actor(people.office), meeting=meeting, summary="会议听取了各单位汇报。")
    assert held.status == MeetingStatus.HELD and held.summary == "会议听取了各单位汇报。"
    job = Job.objects.get(kind="dispatch.minutes")
    assert job.owner == people.office and job.params == {"meeting": meeting.pk}
    with pytest.raises(ValidationError):
        services.meeting_hold(actor=actor(people.office), meeting=held)
    with pytest.raises(ValidationError):
        services.agenda_refresh(actor=actor(people.office), meeting=held)
    with pytest.raises(ValidationError):
        services.agenda_add(actor=actor(people.office), meeting=held, title="补充议题")
    with pytest.raises(PermissionDenied):
        services.meeting_hold(actor=actor(people.leader), meeting=create_meeting(people, title="另一次"))


def test_attendance_names_units_once_and_people_of_those_units(people):
    meeting = create_meeting(people)
    tree = people.tree
    with pytest.raises(ValidationError):
        services.attendance_save(actor=actor(people.office), meeting=meeting,
                                 rows=[{"unit": tree.town_a}, {"unit": tree.town_a}])
    with pytest.raises(ValidationError):
        services.attendance_save(actor=actor(people.office), meeting=meeting,
                                 rows=[{"unit": tree.town_a, "person": people.department}])
    assert not meeting.attendees.exists()
    rows = services.attendance_save(actor=actor(people.office), meeting=meeting, rows=[
        {"unit": tree.town_a, "person": people.township}, {"unit": tree.bureau, "present": False, "note": "请假"}])
    assert sorted((r.unit.name, r.person, r.present, r.note) for r in rows) == [
        ("招商局", None, False, "请假"), ("甲镇", people.township, True, "")]
    assert len(services.attendance_save(actor=actor(people.office), meeting=meeting, rows=[{"unit": tree.town_b}])) == 1


def test_a_meeting_is_seen_by_its_organisers_and_attending_units_only_for_their_items(people):
    from zoneops.dispatch import selectors

    tree = people.tree
    meeting = create_meeting(people)
    services.agenda_add(actor=actor(people.office), meeting=meeting, title="甲镇议题", unit=tree.town_a)
    services.agenda_add(actor=actor(people.office), meeting=meeting, title="乙镇议题", unit=tree.town_b)
    assert not selectors.meeting_list(user=people.township).exists()
    services.attendance_save(actor=actor(people.office), meeting=meeting, rows=[{"unit": tree.town_a}])
    assert list(selectors.meeting_list(user=people.township)) == [meeting]
    assert [i.title for i in selectors.agenda_for(meeting, user=people.township)] == ["甲镇议题"]
    assert [i.title for i in selectors.agenda_for(meeting, user=people.office)] == ["甲镇议题", "乙镇议题"]
    assert not selectors.meeting_list(user=people.outsider).exists()


def test_an_agenda_refresh_keeps_the_items_added_by_hand_after_the_built_ones(people):
    ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a, responsible_unit=people.tree.bureau,
                   title="超期的问题", raised_on=TODAY - timedelta(days=30), workdays=3)
    meeting = create_meeting(people)
    services.agenda_add(actor=actor(people.office), meeting=meeting, title="手工议题")
    assert services.agenda_refresh(actor=actor(people.office), meeting=meeting) == 0  # a pending problem has no clock
    assert [(i.seq, i.kind) for i in meeting.agenda.all()] == [(1, AgendaKind.OTHER)]
