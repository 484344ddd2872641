"""Tasks of the dispatch app, scheduled by `zoneops worker` (ZONEOPS_PERIODIC_TASKS)."""

from django_tasks import task

from zoneops.dispatch import services


@task()
def remind_due_tasks():
    return services.remind_due_tasks()
