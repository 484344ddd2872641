"""E-mail copies of inbox messages: only with a server configured, only to people with an address, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from zoneops.notifications.mail import send_pending
from zoneops.notifications.models import Notification
from zoneops.notifications.services import notify
from zoneops.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_on(settings):
    settings.ZONEOPS_MAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_messages_are_mailed_once_to_people_with_an_address(mail_on):
    with_address, without = PersonFactory(email="zhang@example.gov.cn"), PersonFactory(email="")
    notify([with_address, without], kind="assigned", title="督办事项：推进用地报批", body="请于10月9日前办结。",
           url="/dispatch/tasks/1/", key="k1")
    assert send_pending() == 1
    (message,) = mail.outbox
    assert message.to == ["zhang@example.gov.cn"] and message.subject == "[ZoneOps] 督办事项：推进用地报批"
    assert "请于10月9日前办结。" in message.body and "/dispatch/tasks/1/" in message.body
    assert send_pending() == 0 and len(mail.outbox) == 1  # a restarted worker sends nothing twice


def test_nothing_is_sent_or_claimed_without_a_server(settings):
    settings.ZONEOPS_MAIL_ENABLED = False
    notify([PersonFactory(email="li@example.gov.cn")], kind="other", title="甲", key="k")
    assert send_pending() == 0 and mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_messages_older_than_a_day_are_not_sent_late(mail_on):
    notify([PersonFactory(email="wang@example.gov.cn")], kind="other", title="旧消息", key="old")
    Notification.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert send_pending() == 0 and mail.outbox == []
