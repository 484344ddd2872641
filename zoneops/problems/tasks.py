"""Tasks of the problems app, scheduled by `zoneops worker` (ZONEOPS_PERIODIC_TASKS)."""

from django_tasks import task

from zoneops.audit.context import Actor
from zoneops.problems import services


@task()
def escalate_overdue_problems():
    return len(services.escalate_overdue(actor=Actor.system()))


@task()
def remind_due_problems():
    return services.remind_due()
