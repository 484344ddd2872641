"""E-mail copies of inbox messages, sent by the worker when an SMTP server is configured.

Each message is sent at most once: the worker claims a batch of unsent rows (``emailed_at`` set before
sending, in its own transaction), so a second worker or a restarted one never sends the same row again.
A message whose send fails is logged and not retried (the inbox still holds it): a duplicate mail is
worse than a missing copy of something every person also sees on their workbench.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from zoneops.notifications.models import Notification

logger = logging.getLogger(__name__)
BATCH = 200
MAX_AGE = timedelta(days=1)  # older unsent messages (written while mail was off) are not sent late


def _claim(now):
    with transaction.atomic():
        rows = list(Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(emailed_at__isnull=True, created_at__gte=now - MAX_AGE)
                    .exclude(person__email="").select_related("person")
                    .order_by("created_at", "pk")[:BATCH])
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=now)
    return rows


def send_pending(now=None):
    """Send the unsent messages of the last day to their people's addresses; returns how many went."""
    if not settings.ZONEOPS_MAIL_ENABLED:
        return 0
    now = now or timezone.now()
    rows = _claim(now)
    if not rows:
        return 0
    sent = 0
    with get_connection() as connection:
        for row in rows:
            body = row.body + (f"\n\n{row.url}" if row.url else "") + "\n\n（开发区招商与项目建设指挥平台）"
            try:
                sent += EmailMessage(subject=f"[ZoneOps] {row.title}", body=body, to=[row.person.email],
                                     connection=connection).send()
            except Exception:  # the SMTP server's refusal of one address must not stop the others
                logger.exception("e-mail for notification %s failed", row.pk)
    return sent
