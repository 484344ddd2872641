"""问题台账: problems raised against projects or on their own, handed to units, chased and closed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zoneops.core.deadlines import Deadline
from zoneops.org.scope import ScopedManager, ScopedQuerySet, _active, scope_filter
from zoneops.problems.choices import EventKind, Level, Status


class ProblemCategory(models.Model):
    """问题分类 (土地, 规划, 环保 ...): editable data, each with its default deadline in working days."""

    name = models.CharField("分类名称", max_length=30, unique=True)
    default_workdays = models.PositiveSmallIntegerField("默认办理时限（工作日）", default=10,
                                                        validators=[MinValueValidator(1)])
    sort_order = models.IntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "问题分类"

    def __str__(self):
        return self.name


class ProblemRules(models.Model):
    """Escalation and reminder rules per unit, inherited down the tree (nearest ancestor wins)."""

    scope_unit_fields = ("unit",)

    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name="适用单位", help_text="空为全平台默认规则。")
    escalate_after_workdays = models.PositiveSmallIntegerField(
        "超期升级（工作日）", default=3, validators=[MinValueValidator(1)],
        help_text="超期达到这些工作日仍未办结的问题自动升级一级，升级后再超这些工作日继续升级。")
    remind_before_workdays = models.PositiveSmallIntegerField("到期提醒（提前工作日）", default=2)

    objects = ScopedManager()

    class Meta:
        verbose_name = "问题规则"
        constraints = [models.UniqueConstraint(Coalesce("unit", Value(0)), name="problems_rules_one_per_unit")]

    def __str__(self):
        return f"问题规则（{self.unit or '全平台默认'}）"


class ProblemQuerySet(ScopedQuerySet):
    def restrict(self, user, action):
        """Visible through the raising, responsible or escalated-to unit (the declared fields) or a
        co-unit (the many-to-many, checked through :class:`ProblemCoUnit`'s own scope)."""
        direct = scope_filter(Problem, user, action)
        if not _active(user):
            return self.none()
        if direct is None:
            return self
        co = scope_filter(ProblemCoUnit, user, action)
        co_ids = ProblemCoUnit.objects.filter(co).values("problem_id")
        return self.filter(direct | Q(pk__in=co_ids))


class Problem(models.Model):
    scope_unit_fields = ("raising_unit", "responsible_unit", "escalated_unit")
    scope_owner_fields = ("raised_by",)

    title = models.CharField("问题标题", max_length=200)
    category = models.ForeignKey(ProblemCategory, on_delete=models.PROTECT, related_name="+", verbose_name="分类")
    description = models.TextField("问题描述", max_length=4000)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="problems", verbose_name="关联项目")
    raising_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="提出单位")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="提出人")
    responsible_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                         verbose_name="责任单位")
    co_units = models.ManyToManyField("org.Unit", through="ProblemCoUnit", related_name="+", blank=True,
                                      verbose_name="配合单位")
    raised_on = models.DateField("提出日期", default=timezone.localdate)
    workdays = models.PositiveSmallIntegerField("办理时限（工作日）", validators=[MinValueValidator(1)])
    start_on = models.DateField("计时起点")
    due_date = models.DateField("办结期限")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    level = models.PositiveSmallIntegerField("督办层级", choices=Level.choices, default=Level.UNIT)
    escalated_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="升级至单位")
    escalated_on = models.DateField("最近升级日期", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    park_reason = models.CharField("挂账原因", max_length=500, blank=True)
    park_review_on = models.DateField("挂账复核日期", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("满意度", null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(ProblemQuerySet)()

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = "问题"
        indexes = [models.Index(fields=["status", "due_date"], name="problems_status_due"),
                   # the list's order, alone and after its status filter (migration 0003, docs/benchmarks.md)
                   models.Index(fields=["-raised_on", "-id"], name="problems_recent"),
                   models.Index(fields=["status", "-raised_on", "-id"], name="problems_status_recent")]

    def __str__(self):
        return self.title

    @property
    def deadline(self):
        return Deadline(self.start_on, self.workdays, self.due_date, self.closed_on)

    def deadline_state(self, today=None):
        return self.deadline.state(today or timezone.localdate(), within=2)


class ProblemCoUnit(models.Model):
    """A co-unit (配合单位) of a problem: the problem is visible to it."""

    scope_unit_fields = ("unit",)

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="co_unit_links")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="配合单位")

    objects = ScopedManager()

    class Meta:
        verbose_name = "配合单位"
        constraints = [models.UniqueConstraint(fields=["problem", "unit"], name="problems_co_unit_once")]

    def __str__(self):
        return f"{self.problem_id} ← {self.unit_id}"


class ProblemEvent(models.Model):
    """One entry of a problem's timeline: every change, by whom and when."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=20, choices=EventKind.choices)
    text = models.CharField("内容", max_length=1000)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "问题动态"

    def __str__(self):
        return self.text
