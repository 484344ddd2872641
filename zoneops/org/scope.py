"""The one data-scope mechanism: ``scope(queryset, user, action)``.

Every queryset that reaches a user passes through here. A model takes part by naming its unit
field (``scope_unit_field``; ``None`` for the Unit model itself) and, optionally, the field
(or tuple of fields) that names its owners (``scope_owner_field``) for 仅本人 grants. A user's
grants for ``action`` are OR-ed; no grant gives an empty queryset.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects

from zoneops.org.models import Grant, Scope

_CACHE_ATTR = "_zoneops_grants"


def user_grants(user):
    """All of the user's grants, loaded once per user object (i.e. once per request)."""
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
    if not _active(user):
        return []
    return [grant for grant in user_grants(user) if action in grant.role.permissions]


def has_permission(user, action):
    return bool(grants_for(user, action))


def require_permission(user, action):
    """For views: a 403 unless some grant of the user holds ``action``."""
    if not has_permission(user, action):
        raise PermissionDenied


def _lookups(model):
    field = getattr(model, "scope_unit_field", "unset")
    if field == "unset":
        raise TypeError(f"{model.__name__} does not declare scope_unit_field and cannot be scoped")
    if field is None:
        return "path", "pk"
    return f"{field}__path", f"{field}_id"


def scope_filter(model, user, action):
    """The Q that selects what ``user`` may ``action`` on ``model``; None when that is everything."""
    path_lookup, id_lookup = _lookups(model)
    owner_field = getattr(model, "scope_owner_field", None)
    condition = Q(pk__in=[])
    for grant in grants_for(user, action):
        if grant.scope == Scope.ALL:
            return None
        anchor = grant.unit if grant.unit_id else user.unit
        if grant.scope == Scope.UNIT_TREE:
            condition |= Q(**{f"{path_lookup}__startswith": anchor.path})
        elif grant.scope == Scope.UNIT:
            condition |= Q(**{id_lookup: anchor.pk})
        elif grant.scope == Scope.CUSTOM:
            condition |= Q(**{f"{id_lookup}__in": [unit.pk for unit in grant.custom_units.all()]})
        elif grant.scope == Scope.OWN and owner_field:
            owner_fields = (owner_field,) if isinstance(owner_field, str) else owner_field
            for name in owner_fields:
                condition |= Q(**{name: user.pk})
    return condition


def scope(queryset, user, action):
    """``queryset`` narrowed to the rows ``user`` may ``action``. Deny by default."""
    if not _active(user):
        return queryset.none()
    condition = scope_filter(queryset.model, user, action)
    if condition is None:
        return queryset
    return queryset.filter(condition)


def may_act_on(actor, action, obj):
    """Whether the actor's grants for ``action`` reach ``obj`` (the target check for writes).

    ``obj`` is any scoped row: a unit, a person, later a project.
    """
    if actor.is_system:
        return True
    return scope(type(obj)._base_manager.filter(pk=obj.pk), actor.person, action).exists()
