"""The append-only, hash-chained audit log (审计日志)."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One audited event. Rows are never updated or deleted (database triggers enforce it).

    ``hash`` = HMAC-SHA256 (key ``key_id`` of the key ring kept outside the database) over the
    previous row's hash and this row's canonical content, so any edit, deletion or insertion breaks
    the chain that ``zoneops audit verify`` walks, and it cannot be recomputed without the key.
    """

    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150)
    ip = models.CharField("IP", max_length=45, blank=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField("结果", max_length=10, choices=Result.choices, default=Result.SUCCESS)
    changes = models.JSONField("变更字段", default=dict, blank=True)
    detail = models.CharField("说明", max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField("密钥", max_length=20, default="", blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计日志"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计日志只能追加，不能删除。")

    @property
    def summary(self):
        parts = [f"{name}: {value}" for name, value in (self.changes or {}).items()]
        if self.detail:
            parts.append(self.detail)
        return "；".join(parts)[:300]


class AuditHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain one at a time."""

    last_hash = models.CharField(max_length=64)

    def __str__(self):
        return self.last_hash
