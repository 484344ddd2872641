from django.db.models import Q

from zoneops.problems.models import Problem
from zoneops.problems.workflow import PROBLEM_MACHINE


def problem_list(*, user, action="problem.view"):
    return (Problem.objects.restrict(user, action)
            .select_related("category", "raising_unit", "responsible_unit", "escalated_unit", "project"))


def problem_get(*, user, pk, action="problem.view"):
    return problem_list(user=user, action=action).get(pk=pk)


def timeline(problem):
    """Every change of the problem, oldest first."""
    return list(problem.events.select_related("actor"))


def allowed_moves(actor, problem):
    """[(status, label)] the actor may take from the problem's status now."""
    return [(target, PROBLEM_MACHINE.label(target)) for target in PROBLEM_MACHINE.targets(problem.status)
            if PROBLEM_MACHINE.may_take(actor, PROBLEM_MACHINE.find(problem.status, target), problem)]


def assignable_units(user):
    """Units a problem may be handed to: those the user may see, plus the zone the user belongs to and its
    direct units (departments, townships, parks): a township must be able to name a department."""
    from zoneops.org.models import Unit
    from zoneops.problems.services import zone_of

    visible = Unit.objects.restrict(user, "unit.view")
    zone = zone_of(user.unit)
    return Unit.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk=zone.pk) | Q(parent=zone),
                               is_active=True).order_by("path")
