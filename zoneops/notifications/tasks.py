"""Tasks of the notifications app, scheduled by `zoneops worker`."""

from django_tasks import task

from zoneops.notifications.mail import send_pending
from zoneops.notifications.robots import deliver_due


@task()
def deliver_robot_messages():
    return deliver_due()


@task()
def send_notification_emails():
    return send_pending()
