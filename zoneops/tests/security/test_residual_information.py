"""等保2.0 三级 · 剩余信息保护 (GB/T 22239-2019 8.1.4.11): session data of ended sessions is deleted from the
server, not merely made unusable.

Each test names the control it proves in its docstring; each fails when that control is removed.
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from zoneops.accounts.models import AccountSession
from zoneops.tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Fresh#Pass2027"


def test_sign_out_deletes_the_server_side_session(client, people):
    """剩余信息保护：退出登录删除服务器端会话数据."""
    sign_in(client, "staff")
    key = client.session.session_key
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not AccountSession.objects.filter(session_key=key).exists()


def test_password_change_deletes_every_other_session_of_the_account(people):
    """剩余信息保护：修改口令后，该账号其他会话的服务器端数据被删除（不只是失效）."""
    here, elsewhere = Client(), Client()
    sign_in(elsewhere, "staff")
    other_key = elsewhere.session.session_key
    sign_in(here, "staff")
    response = here.post("/password/", {"old_password": "Zone#Ops2026", "new_password": NEW_PASSWORD,
                                        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=other_key).exists()
    assert here.get("/").status_code == 200  # this session goes on
    assert list(AccountSession.objects.filter(person=people.staff).values_list("session_key", flat=True)) == [
        here.session.session_key]


def test_the_session_ended_by_the_limit_is_deleted(people, settings):
    """剩余信息保护：超出并发会话上限时，最早会话的服务器端数据被删除."""
    settings.ZONEOPS_MAX_SESSIONS = 1
    first, second = Client(), Client()
    sign_in(first, "staff")
    first_key = first.session.session_key
    sign_in(second, "staff")
    assert not Session.objects.filter(session_key=first_key).exists()
    assert Session.objects.filter(session_key=second.session.session_key).exists()
