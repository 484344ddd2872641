"""Scoped reads of units, people, roles and grants."""

from django.db.models import Count, Q

from zoneops.org.models import Grant, Person, Role, Unit
from zoneops.org.scope import has_permission, user_grants


def unit_list(*, user, action="unit.view", q="", kind=""):
    qs = Unit.objects.restrict(user, action).select_related("parent")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__icontains=q) | Q(short_name__contains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(people_count=Count("people", distinct=True))


def unit_get(*, user, pk, action="unit.view"):
    """One unit in scope, or Unit.DoesNotExist (shown as 404) when it is out of scope."""
    return Unit.objects.restrict(user, action).select_related("parent").get(pk=pk)


def person_list(*, user, action="person.view", q="", unit=None):
    qs = Person.objects.restrict(user, action).select_related("unit")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(username__icontains=q) | Q(phone__contains=q))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


def person_get(*, user, pk, action="person.view"):
    return Person.objects.restrict(user, action).select_related("unit").get(pk=pk)


def grant_list(*, user, person=None):
    """Grants of the people the user may grant to (the security admin's view)."""
    qs = Grant.objects.restrict(user, "grant.manage").select_related("person", "role", "unit", "person__unit")
    if person is not None:
        qs = qs.filter(person=person)
    return qs.prefetch_related("custom_units")


def role_list(*, user):
    if not (has_permission(user, "role.manage") or has_permission(user, "grant.manage")):
        return Role.objects.none()
    return Role.objects.annotate(grant_count=Count("grants"))


def describe_roles(user):
    """'招商局 · 招商局业务员（本单位）' style text for the top bar."""
    return "、".join(sorted({f"{g.role.name}（{g.get_scope_display()}）" for g in user_grants(user)}))


def people_who_may(unit, action, extra=()):
    """The active people of ``unit`` (and ``extra``) whose ``action`` grants reach ``unit``: whom to tell about
    a row of that unit, so nobody's inbox shows what their own pages would not (an 招商 desk of a unit
    receiving that unit's problems)."""
    from zoneops.audit.context import Actor
    from zoneops.org.scope import may_act_on

    if unit is None:
        return list(extra)
    people = {person.pk: person for person in Person.objects.filter(unit=unit, is_active=True)}
    people.update({person.pk: person for person in extra if person is not None})
    return [person for person in people.values() if may_act_on(Actor(person=person), action, unit)]
