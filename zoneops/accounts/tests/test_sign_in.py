"""Sign-in, lockout, session limits, forced password change and password rules."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from zoneops.audit.models import AuditEntry
from zoneops.org.tests.factories import PASSWORD, PersonFactory, grant

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD, ip="192.0.2.10"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def person(tree):
    person = PersonFactory(username="zhang", unit=tree.town_a)
    grant(person, "township")
    return person


def test_correct_password_signs_in_and_is_audited(client, person):
    response = sign_in(client, "zhang")
    assert response.status_code == 302 and response["Location"] == "/workbench/start/"  # landing: workbench
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.filter(action="auth.login").first()
    assert entry.result == "success" and entry.actor_id == person.pk and entry.ip == "192.0.2.10"


def test_wrong_password_is_refused_with_a_message_and_audited(client, person):
    response = sign_in(client, "zhang", "wrong-password")
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login", result="failure", actor_name="zhang").exists()


def test_five_failures_lock_the_account_for_ten_minutes(client, person):
    for _ in range(5):
        sign_in(client, "zhang", "wrong-password", ip="192.0.2.1")
    # From another address the correct password is still refused while the account is locked.
    response = sign_in(client, "zhang", ip="198.51.100.7")
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.lock", object_type="throttle.account").count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert sign_in(client, "zhang", ip="198.51.100.7").status_code == 302


def test_five_failures_from_one_address_lock_that_address(client, person):
    PersonFactory(username="li", unit=person.unit)
    for n in range(5):
        sign_in(client, f"nobody{n}", "x", ip="203.0.113.9")
    assert "锁定" in sign_in(client, "li", ip="203.0.113.9").content.decode()
    assert sign_in(client, "li", ip="203.0.113.10").status_code == 302
    assert AuditEntry.objects.filter(action="auth.lock", object_type="throttle.ip").exists()


def test_failures_spread_beyond_the_window_do_not_lock(client, person):
    start = timezone.now()
    for minutes in range(0, 60, 12):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            sign_in(client, "zhang", "wrong-password")
    assert sign_in(client, "zhang").status_code == 302


def test_security_admin_can_unlock(client, tree, person):
    for _ in range(5):
        sign_in(client, "zhang", "wrong-password")
    admin = PersonFactory(username="sec", unit=tree.zone)
    grant(admin, "security_admin", scope="all")
    client.force_login(admin)
    assert client.post(f"/org/people/{person.pk}/unlock/").status_code == 302
    client.logout()
    assert sign_in(client, "zhang", ip="192.0.2.99").status_code == 302
    assert AuditEntry.objects.filter(action="auth.unlock").exists()


def test_idle_session_expires_after_thirty_minutes(client, person):
    sign_in(client, "zhang")
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=29)):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31)):
        response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Session.objects.exists()
    assert AuditEntry.objects.filter(action="auth.session_expired").exists()


def test_busy_session_still_ends_after_twelve_hours(client, person):
    sign_in(client, "zhang")
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        assert client.get("/").status_code == 302


def test_api_reports_expired_session_as_401(client, person):
    sign_in(client, "zhang")
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_sign_out_deletes_the_server_session(client, person):
    sign_in(client, "zhang")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout").exists()


def test_sign_out_needs_post(client, person):
    sign_in(client, "zhang")
    assert client.get("/logout/").status_code == 405


def test_admin_created_user_must_change_password_first(client, tree):
    PersonFactory(username="newbie", unit=tree.town_a, must_change_password=True)
    sign_in(client, "newbie")
    assert client.get("/").url == "/password/"
    assert client.get("/api/v1/me").status_code in (401, 403)
    weak = client.post("/password/", {"old_password": PASSWORD, "new_password": "abcdefgh",
                                      "new_password_again": "abcdefgh"})
    assert "至少3类" in weak.content.decode()
    done = client.post("/password/", {"old_password": PASSWORD, "new_password": "Better#Pass77",
                                      "new_password_again": "Better#Pass77"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("password, ok", [
    ("Short#1", False),          # too short
    ("alllowercase", False),     # one class
    ("lowerUPPER", False),       # two classes
    ("Password1!", False),       # common password
    ("12345678901", False),      # numeric
    ("Kaifaqu#2026", True),
    ("kaifaqu-2026x", True),     # lower + digit + symbol
])
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_production_hasher_is_argon2(settings, tree):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    person = PersonFactory(unit=tree.zone)
    assert identify_hasher(person.password).algorithm == "argon2"
