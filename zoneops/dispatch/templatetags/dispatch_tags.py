from django import template

from zoneops.org.scope import has_permission

register = template.Library()


@register.filter
def may_issue_task(user):
    return has_permission(user, "task.issue")


@register.filter
def may_view_tasks(user):
    return has_permission(user, "task.view")
