"""等保2.0 三级 · 身份鉴别 (GB/T 22239-2019 8.1.4.1): identification, 登录失败处理, credentials that end.

Each test names the control it proves in its docstring; each fails when that control is removed.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from zoneops.accounts.models import ApiToken
from zoneops.accounts.services import token_create, token_revoke
from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import PermissionDenied
from zoneops.org.models import Person
from zoneops.org.services import person_set_password, person_update
from zoneops.org.tests.factories import PASSWORD
from zoneops.tests.security.conftest import bearer, sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Fresh#Pass2027"


def _me(raw):
    """The API as a machine sees it: a fresh client with only the bearer token (no session)."""
    return Client().get("/api/v1/me", **bearer(raw))


def _token(person):
    return token_create(actor=Actor(person=person), person=person)[1]


def test_api_token_expires_after_the_configured_days(client, people, settings):
    """身份鉴别 a)：鉴别信息定期更换 — an API token ends ZONEOPS_TOKEN_DAYS (default 90) after creation."""
    assert settings.ZONEOPS_TOKEN_DAYS == 90
    raw = _token(people.staff)
    assert _me(raw).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = _me(raw)
    assert response.status_code == 401
    settings.ZONEOPS_TOKEN_DAYS = 7
    token, _raw = token_create(actor=Actor(person=people.staff), person=people.staff)
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)


def test_owner_revokes_own_token_on_the_tokens_page(client, people):
    """身份鉴别：凭证可由本人撤销 — the owner's revoke ends the token at once and is audited."""
    raw = _token(people.staff)
    client.force_login(people.staff)
    token = ApiToken.objects.get(person=people.staff)
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    assert _me(raw).status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke", object_id=str(token.pk), result="success").exists()


def test_security_admin_revokes_anyones_token_others_may_not(client, people):
    """身份鉴别：安全管理员可撤销他人令牌，其他人不能 (revocation by the security admin only)."""
    raw = _token(people.staff)
    token = ApiToken.objects.get(person=people.staff)
    with pytest.raises(PermissionDenied):
        token_revoke(actor=Actor(person=people.township), token=token)
    assert _me(raw).status_code == 200
    client.force_login(people.security_admin)
    assert raw[:8] in client.get("/tokens/manage/").content.decode()
    client.post(f"/tokens/{token.pk}/revoke/", {"next": "/tokens/manage/"})
    assert _me(raw).status_code == 401


@pytest.mark.parametrize("event", ["admin_reset", "own_change", "lock", "deactivation"])
def test_every_token_ends_with_password_reset_change_lock_and_deactivation(client, people, event):
    """身份鉴别：口令重置/修改、账号锁定或停用后，全部API令牌立即失效."""
    person = people.staff
    raw = _token(person)
    assert _me(raw).status_code == 200
    if event == "admin_reset":
        person_set_password(actor=Actor(person=people.system_admin), person=person, password=NEW_PASSWORD,
                            must_change=True)
    elif event == "own_change":
        person_set_password(actor=Actor(person=person), person=person, password=NEW_PASSWORD, must_change=False)
    elif event == "lock":
        for _ in range(5):
            sign_in(client, person.username, "wrong-password", REMOTE_ADDR="192.0.2.50")
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):  # the lock has ended, the tokens not
            assert _me(raw).status_code == 401
    else:
        person_update(actor=Actor(person=people.system_admin), person=person, expected_version=person.version,
                      is_active=False)
    assert _me(raw).status_code == 401
    assert ApiToken.objects.get(person=person).revoked_at is not None


def test_forced_password_change_blocks_the_api_for_tokens_too(client, people):
    """身份鉴别：首次登录或重置后须修改口令 — a valid token is refused until the password is changed."""
    raw = _token(people.staff)
    Person.objects.filter(pk=people.staff.pk).update(must_change_password=True)
    response = _me(raw)
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_tokens_page_only_for_people_who_may_use_the_api(client, people):
    """身份鉴别：API令牌只发给可调用接口的业务账号 — admins neither see nor reach 「API令牌」."""
    client.force_login(people.staff)
    assert "API令牌" in client.get("/").content.decode()
    assert client.get("/tokens/").status_code == 200
    for admin in (people.system_admin, people.security_admin, people.auditor):
        client.force_login(admin)
        assert 'href="/tokens/"' not in client.get("/").content.decode()
        assert client.get("/tokens/").status_code == 403
        assert client.post("/tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(person__in=[people.system_admin, people.security_admin]).exists()


def test_wrong_current_password_is_audited_and_locks_like_a_failed_sign_in(client, people):
    """身份鉴别 b)：登录失败处理 — wrong current passwords on the password page count toward the lockout."""
    sign_in(client, "staff")
    for attempt in range(4):
        response = client.post("/password/", {"old_password": f"guess{attempt}", "new_password": NEW_PASSWORD,
                                              "new_password_again": NEW_PASSWORD})
        assert "当前密码不正确" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.password_check", result="failure").count() == 4
    response = client.post("/password/", {"old_password": "guess5", "new_password": NEW_PASSWORD,
                                          "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert "锁定" in sign_in(client, "staff").content.decode()  # even the right password, while locked
    assert AuditEntry.objects.filter(action="auth.lock", object_id="staff").exists()


def test_sessions_per_account_are_limited_and_the_oldest_ends(client_factory, people, settings):
    """身份鉴别 b)：限制同一账号的并发会话数 (default 3) — signing in a 4th time ends the oldest."""
    assert settings.ZONEOPS_MAX_SESSIONS == 3
    clients = [client_factory() for _ in range(4)]
    for number, browser in enumerate(clients):
        with time_machine.travel(timezone.now() + timedelta(seconds=number)):
            assert sign_in(browser, "staff").status_code == 302
    assert clients[0].get("/").status_code == 302  # the oldest is signed out
    assert all(browser.get("/").status_code == 200 for browser in clients[1:])
    assert AuditEntry.objects.filter(action="auth.session_ended", actor=people.staff).count() == 1


def test_console_password_reset_recovers_an_admin_forces_change_and_is_audited(client, people, capsys):
    """身份鉴别：管理员账号只能在控制台恢复 — `zoneops password reset USER`, audited, change at next sign-in."""
    call_command("password", "reset", "secadmin")
    one_time = capsys.readouterr().out.strip().splitlines()[-1]
    person = Person.objects.get(username="secadmin")
    assert person.must_change_password and person.check_password(one_time)
    entry = AuditEntry.objects.filter(action="person.password_reset", object_id=str(person.pk)).first()
    assert entry.actor is None and "控制台" in entry.actor_name
    sign_in(client, "secadmin", one_time)
    assert client.get("/").status_code == 302 and client.get("/").url.startswith("/password/")
    assert not person.check_password(PASSWORD)


@pytest.fixture
def client_factory():
    return Client
