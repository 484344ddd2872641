"""Shared pieces of the 督办调度 pages: the actor, the unit and people choices, refusals as messages."""

from django.contrib import messages

from zoneops.audit.context import Actor
from zoneops.core.errors import ConflictError, ValidationError
from zoneops.dispatch import selectors
from zoneops.org.models import Person


def _actor(request):
    return Actor.from_request(request)


def _units(user):
    return list(selectors.assignable_units(user))


def _people(user, units):
    """Active people of ``units`` the user may see, for the 责任人/主持人 choices; never administrators."""
    from zoneops.projects.pickers import business_people

    people = Person.objects.filter(is_active=True, unit__in=[unit.pk for unit in units]).restrict(user, "person.view")
    return list(business_people(people).select_related("unit").order_by("unit__path", "name"))


def _refused(request, error):
    """A service's refusal as a message."""
    if isinstance(error, ValidationError):
        messages.error(request, "；".join(error.messages))
    elif isinstance(error, ConflictError):
        messages.error(request, error.message)
    else:
        messages.error(request, str(error) or "您无权进行该操作。")
