"""Key projects (重点项目): the ledger, milestones, progress reports, statistics
inclusion, approvals and the rules for them (per unit). Stage history is core.TransitionRecord."""

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from zoneops.core.models import TimeStampedModel, VersionedModel
from zoneops.core.money import YUAN_PER_WAN, YUAN_PER_YI, MoneyField
from zoneops.core.rulesets import nearest_rules, rule_book
from zoneops.org.scope import ScopedManager
from zoneops.projects.choices import (
    LEVEL_FIELDS_BY_CODE,
    STATS_DOCUMENTS,
    ApprovalMode,
    ApprovalStage,
    BuildNature,
    Level,
    ReportFrequency,
    ReportStatus,
    Stage,
    StatsStatus,
)

# GB/T 40058 项目代码: YYMM-RRRRRR-DD-TT-NNNNNN (24 characters). We validate, never generate.
PROJECT_CODE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")


def validate_project_code(value):
    if value and not PROJECT_CODE.match(value):
        raise ValidationError("项目代码应为24位，格式如 2611-610502-04-01-123456。")
    if value and not 1 <= int(value[2:4]) <= 12:
        raise ValidationError("项目代码前四位应为赋码年月（YYMM）。")


class ProjectRules(models.Model):
    """Rules for projects, kept as data per unit and inherited down the unit tree: a project follows
    the rules of its responsible unit's nearest ancestor-or-self that has a row, else the platform
    default (the row without a unit). Defaults follow common practice."""

    scope_unit_fields = ("unit",)  # a unit's own rules; the platform default (no unit) only under 全部

    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name="适用单位", help_text="空为全平台默认规则；下级单位未单独设置时沿用上级。")
    stats_threshold = MoneyField("纳统起点（元）", default=500 * YUAN_PER_WAN)
    report_frequency = models.CharField("填报周期", max_length=10, choices=ReportFrequency.choices,
                                        default=ReportFrequency.MONTH)
    report_window_days = models.PositiveSmallIntegerField("填报窗口（期末后天数）", default=5)
    pre_start_approval_workdays = models.PositiveSmallIntegerField("开工前审批时限（工作日）", default=45)
    whole_approval_workdays = models.PositiveSmallIntegerField("全流程审批时限（工作日）", default=120)
    yellow_overdue_milestones = models.PositiveSmallIntegerField("黄灯：逾期节点数≥", default=1)
    red_overdue_milestones = models.PositiveSmallIntegerField("红灯：逾期节点数≥", default=2)
    yellow_missing_reports = models.PositiveSmallIntegerField("黄灯：缺报期数≥", default=1)
    red_missing_reports = models.PositiveSmallIntegerField("红灯：缺报期数≥", default=2)
    missing_reports_listed = models.PositiveSmallIntegerField(
        "缺报最多列出期数", default=24, validators=[MinValueValidator(1)],
        help_text="长期未报的项目只列出最早的这些期，避免列表过长。")
    yellow_investment_lag_percent = models.PositiveSmallIntegerField("黄灯：投资滞后计划百分点≥", default=10)
    red_investment_lag_percent = models.PositiveSmallIntegerField("红灯：投资滞后计划百分点≥", default=30)
    signing_major_threshold = MoneyField("签约大项目门槛（元）", default=YUAN_PER_YI,
                                         help_text="新签约（≥1亿元）一栏按总投资不低于此数计。")
    signing_huge_threshold = MoneyField("签约重大项目门槛（元）", default=10 * YUAN_PER_YI,
                                        help_text="新签约（≥10亿元）一栏按总投资不低于此数计。")
    investment_lag_grace_days = models.PositiveSmallIntegerField(
        "序时进度起评天数", default=30, help_text="年初（或当年开工）后满这些天才评价投资是否滞后序时进度。")

    objects = ScopedManager()

    class Meta:
        verbose_name = "项目规则"
        constraints = [
            # One row per unit and one platform default (a plain unique on a nullable column allows many NULLs).
            models.UniqueConstraint(Coalesce("unit", Value(0)), name="projects_rules_one_per_unit"),
        ]

    def __str__(self):
        return f"项目规则（{self.unit}）" if self.unit_id else "项目规则（全平台默认）"

    @classmethod
    def current(cls):
        """The platform default (the row without a unit), created on first use. Two first requests at
        once both try to create it; the loser of the unique constraint reads the winner's row."""
        row = cls.objects.filter(unit__isnull=True).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = cls.objects.create(unit=None)
            except IntegrityError:
                row = cls.objects.get(unit__isnull=True)
        return row

    @classmethod
    def book(cls):
        """Every rules row, loaded once, for resolving many projects' rules in memory."""
        book = rule_book(cls.objects.all())  # one query; the default is among the rows once it exists
        if book.default is None:
            book.default = cls.current()
        return book

    @classmethod
    def for_unit(cls, unit):
        """The rules governing ``unit``: its own, else the nearest ancestor's, else the default."""
        return nearest_rules(cls.objects.all(), unit.path) or cls.current()


class Project(VersionedModel):
    """A key project (重点项目) in the ledger (项目库)."""

    scope_unit_fields = ("responsible_unit",)
    scope_owner_fields = ("commissioner", "leader")  # 仅本人: the 项目专员 and the 包联领导

    name = models.CharField("项目名称", max_length=200)
    code = models.CharField("项目代码", max_length=24, blank=True, validators=[validate_project_code],
                            help_text="全国投资项目在线审批监管平台赋码，格式 YYMM-RRRRRR-DD-TT-NNNNNN；没有可不填。")
    enterprise = models.CharField("项目业主", max_length=200)
    responsible_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="projects",
                                         verbose_name="责任单位")
    co_units = models.ManyToManyField("org.Unit", blank=True, related_name="co_projects", verbose_name="配合单位")
    task_force = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="task_force_projects", verbose_name="专班")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="led_projects", verbose_name="包联领导")
    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="commissioned_projects", verbose_name="项目专员")
    industry = models.ForeignKey("core.IndustryCode", null=True, blank=True, on_delete=models.PROTECT,
                                 verbose_name="国民经济行业")
    build_nature = models.CharField("建设性质", max_length=12, choices=BuildNature.choices, default=BuildNature.NEW)
    is_national_key = models.BooleanField("国家重点", default=False)
    is_provincial_key = models.BooleanField("省重点", default=False)
    is_city_key = models.BooleanField("市重点", default=False)
    is_district_key = models.BooleanField("区重点", default=False)
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.RESERVE)
    total_investment = MoneyField("总投资（元）")
    year_plan_investment = MoneyField("本年计划投资（元）", default=0)
    investment_before = MoneyField("以前年度累计完成投资（元）", default=0,
                                   help_text="开始在系统中填报之前已完成的投资。")
    planned_start = models.DateField("计划开工", null=True, blank=True)
    planned_completion = models.DateField("计划竣工", null=True, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    actual_start = models.DateField("实际开工", null=True, blank=True)
    in_stats_on = models.DateField("纳统日期", null=True, blank=True)
    actual_completion = models.DateField("实际竣工", null=True, blank=True)
    operating_on = models.DateField("投产日期", null=True, blank=True)
    full_output_on = models.DateField("达产日期", null=True, blank=True)
    reporting_from = models.DateField(
        "起报日期", default=timezone.localdate,
        help_text="从该日所在的填报期间起要求按期填报；此前期间的填报记为补录，不计缺报、不算逾期。默认为录入台账的当天。")
    location = models.CharField("建设地点", max_length=200, blank=True)
    content = models.TextField("建设内容及规模", max_length=4000, blank=True)
    expected_output = MoneyField("预计年产值（元）", null=True, blank=True)
    expected_tax = MoneyField("预计年税收（元）", null=True, blank=True)
    expected_jobs = models.PositiveIntegerField("预计带动就业（人）", null=True, blank=True)
    measures = models.TextField("定举措", max_length=2000, blank=True)
    standard = models.TextField("定标准", max_length=2000, blank=True)
    reward_penalty = models.TextField("定奖惩", max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # The shared state history (core.workflow); deleting a project deletes its stage changes.
    transitions = GenericRelation("core.TransitionRecord")

    objects = ScopedManager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "项目"
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="projects_unique_code"),
            models.CheckConstraint(condition=models.Q(total_investment__gte=0), name="projects_investment_positive"),
        ]
        indexes = [
            models.Index(fields=["stage"], name="projects_stage"),
            models.Index(fields=["-updated_at", "id"], name="projects_recent"),  # the ledger's default order
            models.Index(fields=["responsible_unit", "stage"], name="projects_unit_stage"),
            models.Index(fields=["leader"], name="projects_leader"),
            models.Index(fields=["industry"], name="projects_industry"),
            models.Index(fields=["name"], name="projects_name"),
            models.Index(fields=["planned_start"], name="projects_planned_start"),
            # The period figures (figures.py) filter on these event dates.
            models.Index(fields=["actual_start"], name="projects_actual_start"),
            models.Index(fields=["actual_completion"], name="projects_actual_completion"),
            models.Index(fields=["signed_on"], name="projects_signed_on"),
            models.Index(fields=["is_provincial_key", "is_city_key"], name="projects_levels"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    @property
    def levels(self):
        return [level for level in Level if getattr(self, LEVEL_FIELDS_BY_CODE[level])]

    def clean(self):
        errors = {}
        if self.total_investment is not None and self.total_investment < 0:  # the check constraint, in words
            errors["total_investment"] = "总投资不能为负数。"
        if self.planned_start and self.planned_completion and self.planned_completion < self.planned_start:
            errors["planned_completion"] = "计划竣工日期不能早于计划开工日期。"
        if self.year_plan_investment and self.total_investment is not None \
                and self.year_plan_investment > self.total_investment:
            errors["year_plan_investment"] = "本年计划投资不能大于总投资。"
        if errors:
            raise ValidationError(errors)


class MilestoneTemplate(TimeStampedModel):
    """A reusable list of milestones, e.g. 工业项目 (签约 … 投产)."""

    name = models.CharField("模板名称", max_length=50, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "节点模板"

    def __str__(self):
        return self.name


class MilestoneTemplateItem(models.Model):
    template = models.ForeignKey(MilestoneTemplate, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("节点名称", max_length=50)
    offset_days = models.IntegerField("相对计划开工的天数", default=0,
                                      help_text="负数表示开工前，例如 供地 -90。")

    class Meta:
        ordering = ["template", "seq"]
        constraints = [models.UniqueConstraint(fields=["template", "seq"], name="projects_template_seq")]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    """A node (节点) of a project's schedule. The baseline is the first plan and never changes."""

    scope_unit_fields = ("project__responsible_unit",)
    scope_owner_fields = ("project__commissioner", "project__leader")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("节点名称", max_length=50)
    baseline_date = models.DateField("基线日期")
    planned_date = models.DateField("计划日期")
    actual_date = models.DateField("完成日期", null=True, blank=True)
    replan_count = models.PositiveSmallIntegerField("调整次数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["project", "seq"]
        verbose_name = "节点"
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="projects_milestone_seq")]
        indexes = [models.Index(fields=["planned_date", "actual_date"], name="projects_milestone_due")]

    def __str__(self):
        return f"{self.project} · {self.name}"


class ProgressReport(VersionedModel):
    """A progress report (进度填报) for one period. Cumulative figures are derived, never stored."""

    scope_unit_fields = ("project__responsible_unit",)
    scope_owner_fields = ("project__commissioner", "project__leader")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period_key = models.CharField("期间", max_length=12)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    invested = MoneyField("本期完成投资（元）")
    progress_text = models.TextField("形象进度", max_length=2000)
    percent = models.PositiveSmallIntegerField("完成百分比", validators=[MaxValueValidator(100)])
    workers = models.PositiveIntegerField("在岗人数", default=0)
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    submitted_at = models.DateTimeField("提交时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    is_late = models.BooleanField("逾期填报", default=False)
    is_backfill = models.BooleanField("补录", default=False,
                                      help_text="起报日期之前的期间：历史补录，不算逾期。")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    review_comment = models.CharField("审核意见", max_length=500, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["project", "-period_start"]
        verbose_name = "进度填报"
        constraints = [
            models.UniqueConstraint(fields=["project", "period_key"], name="projects_report_period"),
            models.CheckConstraint(condition=models.Q(invested__gte=0), name="projects_report_invested_positive"),
        ]
        indexes = [models.Index(fields=["project", "period_start"], name="projects_report_project_period"),
                   models.Index(fields=["period_start"], name="projects_report_period_start")]

    def __str__(self):
        return f"{self.project} {self.period_key}"


class ProgressReportRevision(models.Model):
    """An earlier version of a progress report (修改留痕): the values it had before a re-filing replaced them,
    who had filed them and who replaced them when. Never edited, never deleted."""

    scope_unit_fields = ("report__project__responsible_unit",)
    scope_owner_fields = ("report__project__commissioner", "report__project__leader")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("版本")
    invested = MoneyField("本期完成投资（元）")
    progress_text = models.TextField("形象进度", max_length=2000)
    percent = models.PositiveSmallIntegerField("完成百分比")
    workers = models.PositiveIntegerField("在岗人数", default=0)
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices)
    submitted_at = models.DateTimeField("提交时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    review_comment = models.CharField("审核意见", max_length=500, blank=True)
    replaced_at = models.DateTimeField("修改时间")
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="修改人")

    objects = ScopedManager()

    class Meta:
        ordering = ["report", "-version"]
        verbose_name = "进度填报历史版本"

    def __str__(self):
        return f"{self.report} v{self.version}"


class ReplanStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class MilestoneReplan(models.Model):
    """A request to move a milestone's plan date (计划调整): proposed with a reason, decided by the project
    office (``project.replan``). Only an approved request changes the plan; the baseline never changes."""

    scope_unit_fields = ("milestone__project__responsible_unit",)
    scope_owner_fields = ("milestone__project__commissioner", "milestone__project__leader")

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="replans")
    from_date = models.DateField("原计划日期")
    proposed_date = models.DateField("拟调整为")
    reason = models.CharField("调整原因", max_length=200)
    status = models.CharField("状态", max_length=10, choices=ReplanStatus.choices, default=ReplanStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="申请人")
    proposed_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.CharField("审批意见", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "节点计划调整"
        constraints = [models.UniqueConstraint(fields=["milestone"], condition=models.Q(status="pending"),
                                               name="projects_replan_one_pending")]

    def __str__(self):
        return f"{self.milestone} → {self.proposed_date}"


def report_photo_path(instance, filename):
    return f"projects/{instance.report.project_id}/{instance.report.period_key}/{filename}"


class ReportPhoto(models.Model):
    """A site photo (现场照片) of a progress report."""

    scope_unit_fields = ("report__project__responsible_unit",)
    scope_owner_fields = ("report__project__commissioner", "report__project__leader")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to=report_photo_path)
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["report", "id"]
        verbose_name = "现场照片"

    def __str__(self):
        return self.image.name


class StatsQuarterTarget(models.Model):
    """入库纳统计划: how many of a unit's projects must be started and counted by a quarter (e.g. 15 by Q1).

    A target belongs to a unit and is scoped like every other row; progress counts the unit's projects
    (and those of the units below it) by their inclusion date.
    """

    scope_unit_fields = ("unit",)

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="stats_targets",
                             verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)])
    target_count = models.PositiveIntegerField("目标项目数")

    objects = ScopedManager()

    class Meta:
        ordering = ["year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "quarter"], name="projects_stats_target")]

    def __str__(self):
        return f"{self.unit}{self.year}年第{self.quarter}季度 {self.target_count}个"


def _empty_checklist():
    return {name: False for name in STATS_DOCUMENTS}


class StatsInclusion(TimeStampedModel):
    """A project's path into the fixed-asset investment statistics (先入库，后有数)."""

    scope_unit_fields = ("project__responsible_unit",)
    scope_owner_fields = ("project__commissioner", "project__leader")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="stats")
    planned_year = models.PositiveSmallIntegerField("计划纳统年度")
    planned_quarter = models.PositiveSmallIntegerField("计划纳统季度",
                                                       validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField("状态", max_length=10, choices=StatsStatus.choices, default=StatsStatus.PLANNED)
    documents = models.JSONField("资料清单", default=_empty_checklist)
    included_on = models.DateField("入库日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "入库纳统"
        indexes = [models.Index(fields=["planned_year", "planned_quarter"], name="projects_stats_quarter"),
                   models.Index(fields=["included_on"], name="projects_stats_included_on")]

    def __str__(self):
        return f"{self.project} {self.planned_year}Q{self.planned_quarter}"

    @property
    def documents_ready(self):
        return all(self.documents.get(name) for name in STATS_DOCUMENTS)


class ApprovalItem(TimeStampedModel):
    """One approval (审批事项) in the four stages of 工程建设项目审批, with a limit in working days."""

    scope_unit_fields = ("project__responsible_unit",)
    scope_owner_fields = ("project__commissioner", "project__leader")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    stage = models.CharField("审批阶段", max_length=24, choices=ApprovalStage.choices)
    name = models.CharField("事项名称", max_length=100)
    department = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="审批部门")
    limit_workdays = models.PositiveSmallIntegerField("承诺时限（工作日）")
    mode = models.CharField("办理模式", max_length=16, choices=ApprovalMode.choices, default=ApprovalMode.NORMAL)
    submitted_on = models.DateField("申报日期", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["project", "stage", "id"]
        verbose_name = "审批事项"

    def __str__(self):
        return f"{self.project} · {self.name}"

    def clean(self):
        if self.accepted_on and self.submitted_on and self.accepted_on < self.submitted_on:
            raise ValidationError({"accepted_on": "受理日期不能早于申报日期。"})
        if self.done_on and not self.accepted_on:
            raise ValidationError({"done_on": "请先填写受理日期。"})
        if self.done_on and self.accepted_on and self.done_on < self.accepted_on:
            raise ValidationError({"done_on": "办结日期不能早于受理日期。"})
