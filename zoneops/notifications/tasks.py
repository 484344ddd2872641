"""Tasks of the notifications app, scheduled by `zoneops worker`."""

from django_tasks import task

from zoneops.notifications.robots import deliver_due


@task()
def deliver_robot_messages():
    return deliver_due()
