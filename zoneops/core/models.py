"""Shared base models, reference data (working-day calendar, industry codes, regions) and the one
state-transition history table."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import F
from django.utils import timezone

from zoneops.core.errors import ConflictError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class _Unchecked:
    def __repr__(self):
        return "UNCHECKED"


# A write that deliberately does not check the version (a state change the service itself guards).
UNCHECKED = _Unchecked()
MISSING_VERSION_MESSAGE = "提交的内容缺少版本号，无法确认是否基于最新数据，请刷新后重试。"


class VersionedModel(TimeStampedModel):
    """An editable row with an optimistic-locking version.

    Services save edits with :meth:`save_versioned`, passing the version the editor started
    from; a stale version raises :class:`ConflictError` instead of overwriting silently. A missing
    version (a form or API call that did not send one) is a conflict too, never a silent overwrite;
    only service code may pass :data:`UNCHECKED`.
    """

    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        abstract = True

    def save_versioned(self, *, expected_version, fields):
        if expected_version is not UNCHECKED:
            try:
                expected = int(expected_version)
            except (TypeError, ValueError):
                raise ConflictError(MISSING_VERSION_MESSAGE, current_version=self.version) from None
            if expected != self.version:
                raise ConflictError(current_version=self.version)
        self.full_clean()
        values = {name: getattr(self, name) for name in fields}
        values["updated_at"] = timezone.now()
        manager = type(self)._base_manager
        updated = manager.filter(pk=self.pk, version=self.version).update(
            version=F("version") + 1, **values
        )
        if not updated:
            current = manager.filter(pk=self.pk).values_list("version", flat=True).first()
            raise ConflictError(current_version=current)
        self.refresh_from_db(fields=["version", "updated_at"])


class CalendarDay(models.Model):
    """A date that breaks the Monday–Friday rule: a statutory holiday or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日"
        WORKDAY = "workday", "调休工作日"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "工作日历"

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class IndustryCode(models.Model):
    """GB/T 4754-2017 国民经济行业分类 (门类/大类/中类/小类)."""

    class Level(models.TextChoices):
        SECTION = "section", "门类"
        DIVISION = "division", "大类"
        GROUP = "group", "中类"
        CLASS = "class", "小类"

    code = models.CharField("代码", max_length=4, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = "行业分类"

    def __str__(self):
        return f"{self.code} {self.name}"


class Region(models.Model):
    """GB/T 2260 行政区划代码 (省/市/县)."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "地级"
        COUNTY = "county", "县级"

    code = models.CharField("代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"

    def __str__(self):
        return f"{self.code} {self.name}"


class TransitionRecord(models.Model):
    """One step of any state machine's history (状态变更记录): which object, from/to, who, when, why.

    Written only by :mod:`zoneops.core.workflow`; every machine shares this table, told apart by
    ``machine`` (e.g. ``project.stage``).
    """

    machine = models.CharField("流程", max_length=50)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField("原状态", max_length=32)
    to_state = models.CharField("新状态", max_length=32)
    kind = models.CharField("变更类型", max_length=20, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    effective_on = models.DateField("发生日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="操作人")
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "状态变更"
        indexes = [models.Index(fields=["content_type", "object_id", "machine"], name="core_transition_object")]

    def __str__(self):
        return f"{self.machine} {self.object_id}: {self.from_state} → {self.to_state}"
