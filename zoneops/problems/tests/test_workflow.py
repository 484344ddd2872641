"""The problem loop through the services: 交办 → 办理 → 申请销号 → 销号, with refusals and the timeline."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneops.core.models import CalendarDay, TransitionRecord
from zoneops.notifications.models import Notification
from zoneops.problems import services
from zoneops.problems.choices import EventKind, Status
from zoneops.problems.models import Problem
from zoneops.problems.tests.conftest import actor
from zoneops.problems.tests.factories import CategoryFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def move(person, problem, to_status, **kwargs):
    return services.problem_transition(actor=actor(person), problem=problem, to_status=to_status, **kwargs)


def test_deadline_counts_working_days_over_national_day_and_the_make_up_saturday(people, fixed_today):
    # The seeded official calendar: 1–7 October 2026 off, Saturday 10 October a 调休 working day.
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == CalendarDay.Kind.WORKDAY
    category = CategoryFactory(name="测试用地", default_workdays=5)
    problem = ProblemFactory(actor=actor(people.township), category=category, raising_unit=people.tree.town_a,
                             responsible_unit=people.tree.bureau)
    # 29, 30 Sep; (holiday); 8, 9 Oct; Saturday 10 Oct is the fifth working day.
    assert problem.workdays == 5
    assert problem.due_date == date(2026, 10, 10)
    explicit = ProblemFactory(actor=actor(people.township), category=category, raising_unit=people.tree.town_a,
                              responsible_unit=people.tree.bureau, workdays=6)
    assert explicit.due_date == date(2026, 10, 12)  # Sunday 11 Oct is a normal weekend day


def test_the_whole_loop_with_rating_and_timeline(people, problem):
    move(people.office, problem, Status.ASSIGNED)
    assert Notification.objects.filter(person=people.department, kind="assigned").count() == 1
    move(people.department, problem, Status.HANDLING)
    services.problem_note(actor=actor(people.department), problem=problem, text="已与自然资源局对接")
    move(people.department, problem, Status.CLOSE_REQUESTED)
    assert Notification.objects.filter(person=people.township, kind="close_requested").count() == 1
    move(people.township, problem, Status.CLOSED, rating=4, comment="解决及时")
    problem.refresh_from_db()
    assert (problem.status, problem.rating, problem.rating_comment) == (Status.CLOSED, 4, "解决及时")
    assert problem.closed_on is not None
    kinds = list(problem.events.values_list("kind", flat=True))
    assert kinds == [EventKind.RAISED, EventKind.STATE, EventKind.STATE, EventKind.NOTE, EventKind.STATE,
                     EventKind.STATE]
    assert "满意度 4 分" in problem.events.last().text
    assert TransitionRecord.objects.filter(machine="problem.status", object_id=problem.pk).count() == 4


def test_illegal_transitions_are_refused_with_a_clear_message(people, problem):
    with pytest.raises(ValidationError) as error:
        move(people.office, problem, Status.CLOSED, rating=5)
    assert error.value.message_dict["to_status"] == ["问题不能从“待交办”变更为“已销号”。"]
    move(people.office, problem, Status.ASSIGNED)
    with pytest.raises(ValidationError) as error:
        move(people.department, problem, Status.RETURNED)
    assert error.value.message_dict["reason"] == ["退回须说明原因。"]
    with pytest.raises(ValidationError) as error:
        move(people.office, problem, Status.PARKED, reason="资金未到位")
    assert "复核日期" in error.value.message_dict["review_on"][0]
    assert Problem.objects.unscoped().get(pk=problem.pk).status == Status.ASSIGNED


def test_return_and_park_keep_their_reasons(people, problem, fixed_today):
    move(people.office, problem, Status.ASSIGNED)
    move(people.department, problem, Status.RETURNED, reason="不属于本单位职责")
    problem.refresh_from_db()
    assert problem.return_reason == "不属于本单位职责"
    assert Notification.objects.filter(person=people.township, kind="returned").exists()
    move(people.office, problem, Status.PARKED, reason="待省级政策", review_on=fixed_today + timedelta(days=30))
    problem.refresh_from_db()
    assert (problem.park_reason, problem.park_review_on) == ("待省级政策", fixed_today + timedelta(days=30))
    move(people.office, problem, Status.HANDLING)


def test_only_the_raiser_or_a_leader_above_approves_and_a_rating_is_required(people, problem):
    move(people.office, problem, Status.ASSIGNED)
    move(people.department, problem, Status.HANDLING)
    move(people.department, problem, Status.CLOSE_REQUESTED)
    for stranger in (people.department, people.other_township, people.office):
        with pytest.raises(PermissionDenied):
            move(stranger, problem, Status.CLOSED, rating=5)
    with pytest.raises(ValidationError) as error:
        move(people.leader, problem, Status.CLOSED)
    assert "满意度" in error.value.message_dict["rating"][0]
    move(people.leader, problem, Status.CLOSED, rating=3)


def test_the_raiser_may_send_a_close_request_back_with_a_reason(people, problem):
    move(people.office, problem, Status.ASSIGNED)
    move(people.department, problem, Status.HANDLING)
    move(people.department, problem, Status.CLOSE_REQUESTED)
    with pytest.raises(ValidationError):
        move(people.township, problem, Status.HANDLING)
    move(people.township, problem, Status.HANDLING, reason="用地手续仍未办结")


def test_only_the_responsible_unit_handles_and_only_assigners_assign(people, problem):
    with pytest.raises(PermissionDenied):
        move(people.department, problem, Status.ASSIGNED)  # the responsible unit cannot assign itself
    move(people.office, problem, Status.ASSIGNED)
    with pytest.raises(PermissionDenied):
        move(people.township, problem, Status.HANDLING)  # the raiser does not handle it


def test_closed_is_final(people, problem):
    move(people.office, problem, Status.ASSIGNED)
    move(people.department, problem, Status.HANDLING)
    move(people.department, problem, Status.CLOSE_REQUESTED)
    move(people.township, problem, Status.CLOSED, rating=5)
    with pytest.raises(ValidationError) as error:
        move(people.office, problem, Status.HANDLING)
    assert error.value.message_dict["to_status"] == ["问题已销号，不能再变更。"]


def test_raising_needs_the_permission_on_the_raising_unit(people):
    with pytest.raises(PermissionDenied):
        ProblemFactory(actor=actor(people.outsider), raising_unit=people.tree.town_a,
                       responsible_unit=people.tree.bureau)
    with pytest.raises(ValidationError):
        ProblemFactory(actor=actor(people.township), raising_unit=people.tree.town_a,
                       responsible_unit=people.tree.bureau, description=" ")


def test_only_people_who_may_see_problems_are_told_about_them(people, problem):
    from zoneops.notifications.models import Notification
    from zoneops.org.tests.factories import PersonFactory, grant

    desk = PersonFactory(unit=people.tree.bureau, name="招商局招商科")
    grant(desk, "investment")  # the bureau's investment desk: no problem.view
    services.problem_transition(actor=actor(people.office), problem=problem, to_status=Status.ASSIGNED)
    told = set(Notification.objects.filter(kind="assigned").values_list("person", flat=True))
    assert people.department.pk in told and desk.pk not in told
