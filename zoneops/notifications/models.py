"""站内消息: one row per person and message; the dedupe key makes every send idempotent."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from zoneops.org.scope import ScopedManager


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
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "站内消息"
        constraints = [models.UniqueConstraint(fields=["person", "dedupe_key"], name="notifications_once")]
        indexes = [models.Index(fields=["person", "read_at"], name="notifications_unread")]

    def __str__(self):
        return self.title


class RobotKind(models.TextChoices):
    DINGTALK = "dingtalk", "钉钉群机器人"
    WECOM = "wecom", "企业微信群机器人"


class Robot(models.Model):
    """A unit's group robot (群机器人): messages to the unit's people are also posted to its group."""

    scope_unit_fields = ("unit",)

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    kind = models.CharField("类型", max_length=10, choices=RobotKind.choices)
    webhook_url = models.URLField("Webhook地址", max_length=500)
    secret = models.CharField("加签密钥", max_length=200, blank=True,
                              help_text="钉钉“加签”安全设置的密钥；企业微信留空。")
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "群机器人"

    def __str__(self):
        return f"{self.unit_id} {self.get_kind_display()}"


class Delivery(models.Model):
    """One message to one robot: sent by the worker, retried with back-off, failures kept for the admin."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    robot = models.ForeignKey(Robot, on_delete=models.CASCADE, related_name="deliveries")
    text = models.CharField("内容", max_length=2000)
    dedupe_key = models.CharField("去重键", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "机器人消息"
        constraints = [models.UniqueConstraint(fields=["robot", "dedupe_key"], name="notifications_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notifications_delivery_due")]

    def __str__(self):
        return self.text[:50]
