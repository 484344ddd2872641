from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from zoneops.core.forms import VersionedFormMixin, WanField
from zoneops.core.models import IndustryCode
from zoneops.core.widgets import PickerSelect, PickerSelectMultiple
from zoneops.projects.choices import STAGE_ORDER, ApprovalMode, ApprovalStage, Stage
from zoneops.projects.models import MilestoneTemplate, Project, ProjectRules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNITS_TO_EDIT = format_lazy("{}?action=project.edit", reverse_lazy("projects:pick_units"))
PEOPLE = reverse_lazy("projects:pick_people")


class ProjectFilterForm(forms.Form):
    """The form ProjectFilterSet (filtersets.py) builds its fields on: checks what one field cannot."""

    def clean_industry(self):
        code = (self.cleaned_data.get("industry") or "").strip().upper()
        if code and not (code.isdigit() or (len(code) == 1 and code.isalpha())):
            raise forms.ValidationError("行业代码为门类字母（如 C）或数字代码（如 36、361）。")
        return code


class ProjectForm(VersionedFormMixin, forms.ModelForm):
    total_investment = WanField(label="总投资（万元）")
    year_plan_investment = WanField(label="本年计划投资（万元）", required=False)
    investment_before = WanField(label="以前年度累计完成投资（万元）", required=False)
    expected_output = WanField(label="预计年产值（万元）", required=False)
    expected_tax = WanField(label="预计年税收（万元）", required=False)
    industry = forms.ModelChoiceField(
        label="国民经济行业（小类）", required=False,
        queryset=IndustryCode.objects.filter(level=IndustryCode.Level.CLASS),
        widget=PickerSelect(format_lazy("{}?level=class", reverse_lazy("projects:pick_industries"))))

    class Meta:
        model = Project
        fields = [
            "name", "code", "enterprise", "responsible_unit", "co_units", "task_force", "leader", "commissioner",
            "industry", "build_nature", "is_national_key", "is_provincial_key", "is_city_key", "is_district_key",
            "total_investment", "year_plan_investment", "investment_before", "planned_start",
            "planned_completion", "location", "content", "expected_output", "expected_tax", "expected_jobs",
            "measures", "standard", "reward_penalty", "reporting_from",
        ]
        # Searchable pickers (core/widgets.py): only the chosen units and people are rendered.
        widgets = {"responsible_unit": PickerSelect(UNITS_TO_EDIT), "co_units": PickerSelectMultiple(UNITS_TO_EDIT),
                   "leader": PickerSelect(PEOPLE), "commissioner": PickerSelect(PEOPLE),
                   "planned_start": DATE, "planned_completion": DATE, "reporting_from": DATE,
                   "content": forms.Textarea(attrs={"rows": 3}), "measures": forms.Textarea(attrs={"rows": 2}),
                   "standard": forms.Textarea(attrs={"rows": 2}), "reward_penalty": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, units, people, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["co_units"].required = False
        self.fields["task_force"].queryset = task_forces
        self.fields["leader"].queryset = people
        self.fields["commissioner"].queryset = people
        self.fields["reporting_from"].required = False  # blank: the day the project enters the ledger

    def clean(self):
        data = super().clean()
        for name in ("year_plan_investment", "investment_before"):
            if data.get(name) is None:
                data[name] = 0
        if data.get("reporting_from") is None and self.instance.pk:
            data["reporting_from"] = self.instance.reporting_from
        return data


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label="变更为", choices=Stage.choices)
    effective_on = forms.DateField(label="发生日期", required=False, widget=DATE)
    reason = forms.CharField(label="原因", required=False, max_length=500,
                             help_text="回退、跳过阶段、停缓建、终止须说明原因。")

    def __init__(self, *args, project=None, **kwargs):
        """Unbound, the form proposes the project's NEXT stage (never silently 储备); bound, it keeps what was
        chosen. The project's current stage is not offered."""
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["to_stage"].choices = [("", "请选择…")] + [
                (value, label) for value, label in Stage.choices if value != project.stage]
            if not self.is_bound:
                self.initial.setdefault("to_stage", next_stage(project.stage))


def next_stage(stage):
    """The stage after ``stage`` on the main line; "" (the user must choose) after the last one and for
    停缓建/终止, whose next stage is not known."""
    if stage in STAGE_ORDER and STAGE_ORDER.index(stage) + 1 < len(STAGE_ORDER):
        return str(STAGE_ORDER[STAGE_ORDER.index(stage) + 1])
    return ""


class MilestoneTemplateForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=50)
    description = forms.CharField(label="说明", max_length=200, required=False)
    items = forms.CharField(
        label="节点（每行一个：名称,相对计划开工的天数）", max_length=4000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="例如“供地,-120”表示计划开工前120天供地；“投产,360”表示开工后360天投产。")

    def clean_items(self):
        items = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _comma, offset = line.replace("，", ",").rpartition(",")
            try:
                items.append((name.strip(), int(offset.strip())))
            except ValueError:
                raise forms.ValidationError(f"第{number}行应为“名称,天数”，天数为整数（开工前为负数）。") from None
            if not name.strip() or len(name.strip()) > 50:
                raise forms.ValidationError(f"第{number}行的节点名称为空或超过50字。")
        if not items:
            raise forms.ValidationError("至少填写一个节点。")
        return items


class TemplateForm(forms.Form):
    template = forms.ModelChoiceField(label="节点模板", queryset=MilestoneTemplate.objects.all())


class MilestoneAddForm(forms.Form):
    name = forms.CharField(label="节点名称", max_length=50)
    planned_date = forms.DateField(label="计划日期", widget=DATE)


class MilestoneUpdateForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    planned_date = forms.DateField(label="计划日期", required=False, widget=DATE)
    actual_date = forms.DateField(label="完成日期", required=False, widget=DATE)
    reason = forms.CharField(label="调整原因", required=False, max_length=200)


class ReplanDecisionForm(forms.Form):
    replan = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "驳回")])
    comment = forms.CharField(label="审批意见", required=False, max_length=200)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        return [single(item, initial) for item in data] if isinstance(data, list | tuple) else [single(data, initial)]


class ReportForm(VersionedFormMixin, forms.Form):
    period_key = forms.ChoiceField(label="填报期间")
    invested = WanField(label="本期完成投资（万元）")
    percent = forms.IntegerField(label="形象进度（%）", min_value=0, max_value=100)
    workers = forms.IntegerField(label="在岗人数", min_value=0, initial=0)
    progress_text = forms.CharField(label="形象进度描述", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleImageField(label="现场照片", required=False)

    def __init__(self, *args, periods, editing=None, **kwargs):
        """``editing``: the filed report being changed (its period is then fixed); None for a new filing."""
        if editing is not None:
            kwargs["version"] = editing.version
            kwargs["initial"] = {"period_key": editing.period_key, "invested": editing.invested,
                                 "percent": editing.percent, "workers": editing.workers,
                                 "progress_text": editing.progress_text}
        super().__init__(*args, **kwargs)
        self.fields["period_key"].choices = [(p.key, p.label) for p in periods]
        if editing is not None:
            if editing.period_key not in dict(self.fields["period_key"].choices):
                self.fields["period_key"].choices.insert(0, (editing.period_key, editing.period_key))
            self.fields["period_key"].disabled = True  # the version belongs to this period's report


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "审核通过"), ("return", "退回")])
    comment = forms.CharField(label="意见", required=False, max_length=500)


class BatchReviewForm(forms.Form):
    reports = forms.TypedMultipleChoiceField(label="填报", coerce=int, error_messages={
        "required": "请选择要审核的填报。", "invalid_choice": "所选填报不存在。"})
    decision = forms.ChoiceField(label="审核", choices=[("accept", "审核通过"), ("return", "退回")])
    comment = forms.CharField(label="意见", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Which ids are allowed is the service's and the queue's to judge (scope, status), not a fixed list.
        self.fields["reports"].valid_value = lambda value: str(value).isdigit()


class StatsForm(forms.Form):
    planned_year = forms.IntegerField(label="计划纳统年度", min_value=2000, max_value=2100)
    planned_quarter = forms.TypedChoiceField(label="计划纳统季度", coerce=int,
                                             choices=[(q, f"第{q}季度") for q in range(1, 5)])
    status = forms.ChoiceField(label="状态", choices=[])
    included_on = forms.DateField(label="入库日期", required=False, widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, statuses, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses
        self.document_names = documents
        for index, name in enumerate(documents):
            self.fields[f"doc_{index}"] = forms.BooleanField(label=name, required=False)

    def documents(self):
        return {name: self.cleaned_data.get(f"doc_{index}", False) for index, name in enumerate(self.document_names)}


class ApprovalForm(forms.Form):
    stage = forms.ChoiceField(label="审批阶段", choices=ApprovalStage.choices)
    name = forms.CharField(label="事项名称", max_length=100)
    department = forms.ModelChoiceField(label="审批部门", required=False, queryset=None)
    limit_workdays = forms.IntegerField(label="承诺时限（工作日）", min_value=1, max_value=365)
    mode = forms.ChoiceField(label="办理模式", choices=ApprovalMode.choices)
    submitted_on = forms.DateField(label="申报日期", required=False, widget=DATE)
    accepted_on = forms.DateField(label="受理日期", required=False, widget=DATE)
    done_on = forms.DateField(label="办结日期", required=False, widget=DATE)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class RulesForm(forms.ModelForm):
    stats_threshold = WanField(label="纳统起点（万元）")
    signing_major_threshold = WanField(label="签约大项目门槛（万元）",
                                       help_text="新签约（≥1亿元）一栏按总投资不低于此数计。")
    signing_huge_threshold = WanField(label="签约重大项目门槛（万元）",
                                      help_text="新签约（≥10亿元）一栏按总投资不低于此数计。")

    class Meta:
        model = ProjectRules
        fields = [field.name for field in ProjectRules._meta.fields if field.name not in ("id", "unit")]


class QuarterTargetForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in range(1, 5)])
    target_count = forms.IntegerField(label="开工纳统目标（个）", min_value=0, max_value=100000)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


