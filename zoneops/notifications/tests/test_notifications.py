"""The inbox: notify() is idempotent by key, the header counts unread messages, only the owner reads."""

import pytest

from zoneops.notifications.models import Notification
from zoneops.notifications.services import notify
from zoneops.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_notify_is_idempotent_by_key_per_person(db):
    one, two = PersonFactory(), PersonFactory()
    assert len(notify([one], kind="other", title="甲", key="k1")) == 1
    assert notify([one], kind="other", title="甲（重发）", key="k1") == []
    assert len(notify([one, two, two], kind="other", title="甲", key="k1")) == 1  # only two is new
    assert Notification.objects.filter(dedupe_key="k1").count() == 2
    assert len(notify([one], kind="other", title="乙", key="k2")) == 1


def test_header_shows_the_unread_count_and_reading_clears_it(client, db):
    person = PersonFactory()
    notify([person], kind="assigned", title="交办问题：测试", key="a", url="/problems/")
    notify([person], kind="overdue", title="问题已超期", key="b")
    client.force_login(person)
    page = client.get("/inbox/").content.decode()
    assert "交办问题：测试" in page and "2条未读" in page
    first = Notification.objects.get(dedupe_key="a")
    response = client.post(f"/inbox/{first.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/problems/"
    assert "1条未读" in client.get("/inbox/").content.decode()
    assert client.get("/api/v1/inbox/unread").json() == {"unread": 1}
    client.post("/inbox/read-all/")
    assert client.get("/api/v1/inbox/unread").json() == {"unread": 0}


def test_nobody_reads_another_persons_messages(client, db):
    owner, other = PersonFactory(), PersonFactory()
    notify([owner], kind="other", title="私信", key="x")
    row = Notification.objects.get()
    client.force_login(other)
    assert client.post(f"/inbox/{row.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/inbox/{row.pk}/read").status_code == 404
    assert "私信" not in client.get("/api/v1/inbox").content.decode()
    row.refresh_from_db()
    assert row.read_at is None


def test_marking_read_is_for_the_recipient_and_once(db):
    from zoneops.audit.context import Actor
    from zoneops.audit.models import AuditEntry
    from zoneops.core.errors import PermissionDenied
    from zoneops.notifications.services import mark_read

    owner, other = PersonFactory(), PersonFactory()
    notify([owner], kind="other", title="甲", key="a")
    notify([owner], kind="other", title="乙", key="b")
    first = Notification.objects.get(dedupe_key="a")
    with pytest.raises(PermissionDenied):
        mark_read(actor=Actor(person=other), notification=first)
    assert mark_read(actor=Actor(person=owner), notification=first) == 1
    read_at = Notification.objects.get(pk=first.pk).read_at
    assert read_at is not None
    mark_read(actor=Actor(person=owner), notification=Notification.objects.get(pk=first.pk))
    assert Notification.objects.get(pk=first.pk).read_at == read_at  # the first reading stays
    assert mark_read(actor=Actor(person=owner), everything=True) == 1
    assert AuditEntry.objects.filter(action="notification.read_all").count() == 1
    assert mark_read(actor=Actor(person=owner), everything=True) == 0  # nothing left: no audit row
    assert AuditEntry.objects.filter(action="notification.read_all").count() == 1
