"""Sign-in throttling and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


class LoginThrottle(models.Model):
    """Failed sign-ins counted per account and per client address, and the resulting lock."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "账号"
        IP = "ip", "IP地址"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=150)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="accounts_throttle_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"


def hash_token(raw):
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token for machines. Only the SHA-256 of the token is stored.

    It ends at ``expires_at`` (``ZONEOPS_TOKEN_DAYS`` after creation) or when revoked: by its owner,
    by a security admin, and all of a person's at once when their password is set or reset, the
    account is locked or deactivated.
    """

    PREFIX = "zo_"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("到期时间", null=True)
    revoke_reason = models.CharField("撤销原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "API令牌"

    def __str__(self):
        return f"{self.person} {self.hint}…"

    @classmethod
    def generate(cls):
        return cls.PREFIX + secrets.token_urlsafe(32)


class AccountSession(models.Model):
    """A signed-in browser session of a person, so the number per account can be limited."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.person} {self.created_at:%Y-%m-%d %H:%M}"
