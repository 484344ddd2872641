from django.db.models import Q
from django.utils import timezone

from zoneops.problems.choices import OPEN_STATUSES, Status
from zoneops.problems.models import Problem, ProblemCategory
from zoneops.problems.workflow import PROBLEM_MACHINE


def problem_list(*, user, action="problem.view"):
    return (Problem.objects.restrict(user, action)
            .select_related("category", "raising_unit", "responsible_unit", "escalated_unit", "project"))


def problem_get(*, user, pk, action="problem.view"):
    return problem_list(user=user, action=action).get(pk=pk)


def categories():
    return ProblemCategory.objects.filter(is_active=True)


def timeline(problem):
    """Every change of the problem, oldest first."""
    return list(problem.events.select_related("actor"))


def allowed_moves(actor, problem):
    """[(status, label)] the actor may take from the problem's status now."""
    return [(target, PROBLEM_MACHINE.label(target)) for target in PROBLEM_MACHINE.targets(problem.status)
            if PROBLEM_MACHINE.may_take(actor, PROBLEM_MACHINE.find(problem.status, target), problem)]


def waiting_for(user, today=None):
    """Problems waiting for the user's unit: assigned to it and due within 2 working days, overdue or
    returned to it; 销号 requests it raised."""
    today = today or timezone.localdate()
    mine = problem_list(user=user).filter(responsible_unit=user.unit, status__in=OPEN_STATUSES)
    due = [p for p in mine if p.status != Status.RETURNED and p.deadline_state(today) in ("due_soon", "overdue")]
    returned = list(problem_list(user=user).filter(raising_unit=user.unit, status=Status.RETURNED))
    approvals = list(problem_list(user=user).filter(raised_by=user, status=Status.CLOSE_REQUESTED))
    return {"due": due, "returned": returned, "approvals": approvals}


def assignable_units(user):
    """Units a problem may be handed to: those the user may see, plus the zone the user belongs to and its
    direct units (departments, townships, parks): a township must be able to name a department."""
    from zoneops.org.models import Unit
    from zoneops.problems.services import zone_of

    visible = Unit.objects.restrict(user, "unit.view")
    if user.unit_id is None:
        return visible.filter(is_active=True)
    zone = zone_of(user.unit)
    return Unit.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk=zone.pk) | Q(parent=zone),
                               is_active=True).order_by("path")
