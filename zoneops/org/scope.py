"""The one data-scope mechanism: ``Model.objects.restrict(user, action)``.

Every queryset that reaches a user is restricted here. A model takes part by declaring

- ``scope_unit_fields``: the unit foreign key(s) whose unit decides visibility, a tuple of field
  paths through forward foreign keys (``("responsible_unit",)``, ``("project__responsible_unit",)``);
  a row is visible when ANY of them lies in the user's scope. ``SELF`` names the Unit row itself.
- ``scope_owner_fields`` (optional): the person field(s) that make a row the user's own (仅本人).
- a manager built on :class:`ScopedQuerySet` (``objects = ScopedManager()``).

A model with a unit foreign key that declares none of this must say why with ``scope_unscoped =
"reason"``; the system check in ``org.checks`` refuses to start otherwise. A user's grants for
``action`` are OR-ed; no grant gives an empty queryset. Unscoped reads (a service re-reading a row
it has already checked, a command-line report) say so with ``.unscoped()`` and a comment why.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, prefetch_related_objects

from zoneops.org.permissions import registry

SELF = "self"  # in scope_unit_fields: the row is itself the unit (the Unit model)

_CACHE_ATTR = "_zoneops_grants"


class Scope(models.TextChoices):
    ALL = "all", "全部"
    UNIT_TREE = "unit_tree", "本单位及下级"
    UNIT = "unit", "本单位"
    OWN = "own", "仅本人"
    CUSTOM = "custom", "自定义"


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action):
        """The rows ``user`` may ``action`` (a permission code). Deny by default."""
        return scope(self, user, action)

    def unscoped(self):
        """Every row, ignoring data scope: the explicit escape. Each call says why in a comment."""
        return self.all()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def user_grants(user):
    """All of the user's grants, loaded once per user object (i.e. once per request)."""
    from zoneops.org.models import Grant  # org.models imports this module for ScopedManager

    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Grant.objects.filter(person=user).select_related("role", "unit"))
        custom = [grant for grant in cached if grant.scope == Scope.CUSTOM]
        if custom:  # the units of 自定义 grants only; most people have none
            prefetch_related_objects(custom, "custom_units")
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user):
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _active(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def grants_for(user, action):
    registry.check(action)  # a typo raises instead of silently denying
    if not _active(user):
        return []
    return [grant for grant in user_grants(user) if action in grant.role.permissions]


def has_permission(user, action):
    return bool(grants_for(user, action))


def require_permission(user, action):
    """For views: a 403 unless some grant of the user holds ``action``."""
    if not has_permission(user, action):
        raise PermissionDenied


def unit_fields(model):
    fields = getattr(model, "scope_unit_fields", None)
    if not fields:
        raise TypeError(f"{model.__name__} does not declare scope_unit_fields and cannot be scoped")
    return fields


def owner_fields(model):
    return getattr(model, "scope_owner_fields", ())


def _path_lookup(field):
    return "path" if field == SELF else f"{field}__path"


def _id_lookup(field):
    return "pk" if field == SELF else field


def scope_filter(model, user, action):
    """The Q that selects what ``user`` may ``action`` on ``model``; None when that is everything."""
    fields = unit_fields(model)
    condition = Q(pk__in=[])
    for grant in grants_for(user, action):
        if grant.scope == Scope.ALL:
            return None
        anchor = grant.unit if grant.unit_id else user.unit
        for field in fields:
            if grant.scope == Scope.UNIT_TREE:
                condition |= Q(**{f"{_path_lookup(field)}__startswith": anchor.path})
            elif grant.scope == Scope.UNIT:
                condition |= Q(**{_id_lookup(field): anchor.pk})
            elif grant.scope == Scope.CUSTOM:
                condition |= Q(**{f"{_id_lookup(field)}__in": [unit.pk for unit in grant.custom_units.all()]})
        if grant.scope == Scope.OWN:
            for name in owner_fields(model):
                condition |= Q(**{name: user.pk})
    return condition


def scope(queryset, user, action):
    """``queryset`` narrowed to the rows ``user`` may ``action``; reached through ``.restrict()``."""
    condition = scope_filter(queryset.model, user, action)  # checks the code even for anonymous users
    if not _active(user):
        return queryset.none()
    if condition is None:
        return queryset
    return queryset.filter(condition)


def may_act_on(actor, action, obj):
    """Whether the actor's grants for ``action`` reach ``obj`` (the target check for writes).

    ``obj`` is any scoped row: a unit, a person, a project.
    """
    registry.check(action)
    if actor.is_system:
        return True
    return scope(type(obj)._base_manager.filter(pk=obj.pk), actor.person, action).exists()
