"""Signing in and out, lockout, and API tokens. Every outcome is audited."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.utils import timezone

from zoneops.accounts.models import ApiToken, LoginThrottle, hash_token
from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied
from zoneops.org.scope import may_act_on


class SignInRefused(Exception):
    def __init__(self, message, *, locked=False):
        super().__init__(message)
        self.message = message
        self.locked = locked


def _throttles(username, ip):
    keys = [(LoginThrottle.Kind.ACCOUNT, username.lower())]
    if ip:
        keys.append((LoginThrottle.Kind.IP, ip))
    return keys


def locked_until(username, ip):
    """The latest lock end among the account and the address, or None when neither is locked."""
    now = timezone.now()
    ends = []
    for kind, key in _throttles(username, ip):
        row = LoginThrottle.objects.filter(kind=kind, key=key, locked_until__gt=now).first()
        if row:
            ends.append(row.locked_until)
    return max(ends) if ends else None


@transaction.atomic
def _register_failure(username, ip, actor):
    """Count one failure on each key; lock a key that reaches the limit and audit the lock."""
    now = timezone.now()
    window = timedelta(minutes=settings.ZONEOPS_LOCKOUT_MINUTES)
    for kind, key in _throttles(username, ip):
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(kind=kind, key=key)
        if row.last_failure_at and now - row.last_failure_at > window:
            row.failures = 0  # failures further apart than the lock window do not add up
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= settings.ZONEOPS_LOCKOUT_ATTEMPTS:
            row.locked_until = now + window
            row.failures = 0
            audit_record(actor, "auth.lock", (f"throttle.{kind}", key, key), result=AuditEntry.Result.DENIED,
                         detail=f"连续失败{settings.ZONEOPS_LOCKOUT_ATTEMPTS}次，锁定至{timezone.localtime(row.locked_until):%H:%M}")
        row.save()


def sign_in(request, *, username, password):
    """Authenticate and start a session, or raise SignInRefused with a message for the form.

    Not one transaction: a refused attempt must leave its audit row and failure count behind.
    """
    username = (username or "").strip()
    ip = Actor.from_request(request).ip
    tried = Actor(person=None, ip=ip, label=username[:150])
    minutes = settings.ZONEOPS_LOCKOUT_MINUTES
    if until := locked_until(username, ip):
        audit_record(tried, "auth.login", ("person", username, username),
                     result=AuditEntry.Result.DENIED, detail="账号或IP已锁定")
        raise SignInRefused(
            f"登录失败次数过多，账号已锁定，请于{timezone.localtime(until):%H:%M}后再试（锁定{minutes}分钟）。",
            locked=True,
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        audit_record(tried, "auth.login", ("person", username, username),
                     result=AuditEntry.Result.FAILURE, detail="用户名或密码错误")
        _register_failure(username, ip, tried)
        if until := locked_until(username, ip):
            raise SignInRefused(f"登录失败次数过多，已锁定{minutes}分钟。", locked=True)
        raise SignInRefused("用户名或密码错误。")
    LoginThrottle.objects.filter(kind=LoginThrottle.Kind.ACCOUNT, key=username.lower()).update(failures=0)
    login(request, user)
    now = timezone.now().timestamp()
    request.session["zoneops_login_at"] = now
    request.session["zoneops_seen_at"] = now
    audit_record(Actor(person=user, ip=ip), "auth.login", user)
    return user


@transaction.atomic
def sign_out(request, *, reason="auth.logout"):
    """End the session: the server-side session row is deleted, not just the cookie."""
    if request.user.is_authenticated:
        audit_record(Actor.from_request(request), reason, request.user)
    logout(request)


@transaction.atomic
def account_unlock(*, actor, person):
    if not actor.is_system and not may_act_on(actor, "account.unlock", person):
        raise PermissionDenied("您无权解锁该账号。")
    deleted, _ = LoginThrottle.objects.filter(kind=LoginThrottle.Kind.ACCOUNT, key=person.username.lower()).delete()
    audit_record(actor, "auth.unlock", person)
    return bool(deleted)


@transaction.atomic
def token_create(*, actor, person, name=""):
    """Create a token and return (token row, raw token). The raw token is shown once only."""
    if not actor.is_system and actor.person.pk != person.pk:
        raise PermissionDenied("只能为自己创建令牌。")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(person=person, name=name, key_hash=hash_token(raw), hint=raw[:8])
    audit_record(actor, "token.create", token)
    return token, raw


def token_authenticate(raw):
    """The active person behind a raw bearer token, or None."""
    token = (
        ApiToken.objects.select_related("person", "person__unit")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.person



