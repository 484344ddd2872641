"""Signing in and out, lockout, session limits and API tokens. Every outcome is audited."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.utils import timezone

from zoneops.accounts.models import AccountSession, ApiToken, LoginThrottle, hash_token
from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied
from zoneops.org.models import Person
from zoneops.org.permissions import Duty
from zoneops.org.scope import may_act_on, user_grants

# The security admin's account-control permission; it also lets them revoke anyone's API tokens.
TOKEN_ADMIN_PERMISSION = "account.unlock"  # noqa: S105 - a permission code, not a secret


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
            if kind == LoginThrottle.Kind.ACCOUNT and (person := Person.objects.filter(username__iexact=key).first()):
                tokens_revoke_all(actor=actor, person=person, reason="账号锁定")
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
    request.session.save()  # the session key must exist to be counted
    audit_record(Actor(person=user, ip=ip), "auth.login", user)
    session_register(request, user)
    return user


@transaction.atomic
def session_register(request, person, *, only=False):
    """Count this session for ``person`` and end the oldest beyond ZONEOPS_MAX_SESSIONS.

    ``only=True`` (after a password change) ends every other session of the person.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    AccountSession.objects.get_or_create(session_key=request.session.session_key, defaults={"person": person})
    rows = list(AccountSession.objects.filter(person=person).order_by("-created_at", "-id"))
    live = []
    for row in rows:
        if row.session_key != request.session.session_key and not store().exists(row.session_key):
            row.delete()  # expired or signed out elsewhere
        else:
            live.append(row)
    keep = 1 if only else max(settings.ZONEOPS_MAX_SESSIONS, 1)
    current = [row for row in live if row.session_key == request.session.session_key]
    others = [row for row in live if row.session_key != request.session.session_key]
    for row in others[max(keep - len(current), 0):]:
        store(session_key=row.session_key).delete()
        row.delete()
        audit_record(Actor(person=person, ip=Actor.from_request(request).ip), "auth.session_ended", person,
                     detail="修改密码，结束其他会话" if only else
                     f"同一账号最多{settings.ZONEOPS_MAX_SESSIONS}个会话，结束最早的会话")


@transaction.atomic
def sign_out(request, *, reason="auth.logout"):
    """End the session: the server-side session row is deleted, not just the cookie."""
    if request.user.is_authenticated:
        audit_record(Actor.from_request(request), reason, request.user)
    if request.session.session_key:
        AccountSession.objects.filter(session_key=request.session.session_key).delete()
    logout(request)


def check_current_password(request, password):
    """The password page's "current password": a wrong one is audited and counts toward the lockout
    (raises SignInRefused, ``locked=True`` once the account is locked and the session signed out).

    Otherwise a stolen session could guess the password (to reuse elsewhere) without limit.
    """
    person = request.user
    actor = Actor.from_request(request)
    if locked_until(person.username, actor.ip) is None and person.check_password(password):
        return
    audit_record(actor, "auth.password_check", person, result=AuditEntry.Result.FAILURE, detail="当前密码不正确")
    _register_failure(person.username, actor.ip, actor)
    if locked_until(person.username, actor.ip):
        sign_out(request, reason="auth.logout_locked")
        raise SignInRefused(f"当前密码错误次数过多，账号已锁定{settings.ZONEOPS_LOCKOUT_MINUTES}分钟。",
                                   locked=True)
    raise SignInRefused("当前密码不正确。")


@transaction.atomic
def account_unlock(*, actor, person):
    if not actor.is_system and not may_act_on(actor, "account.unlock", person):
        raise PermissionDenied("您无权解锁该账号。")
    deleted, _ = LoginThrottle.objects.filter(kind=LoginThrottle.Kind.ACCOUNT, key=person.username.lower()).delete()
    audit_record(actor, "auth.unlock", person)
    return bool(deleted)


def may_use_api(person):
    """API tokens are for business users; 三权分立 admins act only interactively, in a session."""
    return any(grant.role.duty == Duty.BUSINESS for grant in user_grants(person))


@transaction.atomic
def token_create(*, actor, person, name=""):
    """Create a token and return (token row, raw token). The raw token is shown once only."""
    if not actor.is_system and actor.person.pk != person.pk:
        raise PermissionDenied("只能为自己创建令牌。")
    if not actor.is_system and not may_use_api(person):  # the console operator may issue one to anyone
        raise PermissionDenied("您的账号不能使用API令牌（仅业务账号可以调用接口）。")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(person=person, name=name, key_hash=hash_token(raw), hint=raw[:8],
                                    expires_at=timezone.now() + timedelta(days=settings.ZONEOPS_TOKEN_DAYS))
    audit_record(actor, "token.create", token, changes={"expires_at": token.expires_at})
    return token, raw


def active_tokens(person):
    return person.api_tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


@transaction.atomic
def token_revoke(*, actor, token, reason="撤销"):
    """Its owner or a security admin (account control over the owner) ends a token."""
    own = actor.person is not None and actor.person.pk == token.person_id
    if not actor.is_system and not own and not may_act_on(actor, TOKEN_ADMIN_PERMISSION, token.person):
        audit_record(actor, "token.revoke", token, result=AuditEntry.Result.DENIED, detail="无权撤销他人令牌")
        raise PermissionDenied("您无权撤销该令牌。")
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now(), revoke_reason=reason[:100])
        audit_record(actor, "token.revoke", token, detail=reason)
    return token


@transaction.atomic
def tokens_revoke_all(*, actor, person, reason):
    """End all of a person's tokens (password set or reset, lock, deactivation)."""
    count = ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason[:100])
    if count:
        audit_record(actor, "token.revoke_all", person, changes={"count": count}, detail=reason)
    return count


class TokenRefused(Exception):
    """A valid token whose owner may not use the API right now (e.g. must change the password)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def token_authenticate(raw, *, ip=""):
    """The active person behind a raw bearer token, or None (audited: invalid, expired or revoked)."""
    token = (
        ApiToken.objects.select_related("person", "person__unit")
        .filter(key_hash=hash_token(raw or ""))
        .first()
    )
    now = timezone.now()
    problem = ("无效令牌" if token is None else "令牌已撤销" if token.revoked_at else
               "令牌已过期" if token.expires_at is None or token.expires_at <= now else
               "账号已停用" if not token.person.is_active else "")
    if problem:
        audit_record(Actor(person=None, ip=ip, label=f"令牌 {(raw or '')[:8]}…"), "auth.token",
                     token if token else ("token", "", (raw or "")[:8]), result=AuditEntry.Result.DENIED,
                     detail=problem)
        return None
    if token.person.must_change_password:
        raise TokenRefused("password_change_required", "须先在网页上修改密码，才能使用接口。")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
