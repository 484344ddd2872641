"""站内消息: one row per person and message; the dedupe key makes every send idempotent."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    ASSIGNED = "assigned", "交办"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已超期"
    ESCALATED = "escalated", "升级督办"
    RETURNED = "returned", "退回"
    CLOSE_REQUESTED = "close_requested", "申请销号"
    CLOSED = "closed", "销号"
    OTHER = "other", "其他"


class Notification(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                               verbose_name="接收人")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=1000, blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    dedupe_key = models.CharField("去重键", max_length=200)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "站内消息"
        constraints = [models.UniqueConstraint(fields=["person", "dedupe_key"], name="notifications_once")]
        indexes = [models.Index(fields=["person", "read_at"], name="notifications_unread")]

    def __str__(self):
        return self.title
