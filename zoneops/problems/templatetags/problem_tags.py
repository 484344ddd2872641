from django import template

from zoneops.org.scope import has_permission

register = template.Library()


@register.filter
def may_raise_problem(user):
    return has_permission(user, "problem.raise")
