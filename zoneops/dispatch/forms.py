"""Input forms of 督办调度's pages, and the task list's filter.

Units and people come from lists evaluated once per page (:class:`UnitPick`, :class:`PersonPick`): the
meeting page draws a decision form under every agenda item and an attendance row per unit, and a
ModelChoiceField would query its choices again for each of them.
"""

from django import forms
from django.db.models import Case, CharField, Q, Value, When

from zoneops.core.workdays import add_workdays, is_workday
from zoneops.dispatch.choices import (
    OPEN_TASK_STATUSES,
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    TaskSource,
    TaskStatus,
)

DUE_WITHIN = 2  # working days, as Task.deadline_state and the workbench
OVERDUE, DUE_SOON = "已超期", "即将到期"
DATE = {"type": "date"}


def date_input():
    """An <input type=date>: its value must be ISO, whatever the locale's date format."""
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


def tree_order(unit):
    """Units in the order of the tree, siblings as they were created (the path holds primary keys, so sorting
    it as text would put unit 10 before unit 4)."""
    return tuple(int(pk) for pk in unit.path.split("/") if pk)


class UnitPick(forms.TypedChoiceField):
    """A unit out of ``units`` (evaluated once, ordered by path; indented by depth)."""

    def __init__(self, *, units=(), empty_label="请选择", **kwargs):
        units = sorted(units, key=tree_order)
        self.by_pk = {unit.pk: unit for unit in units}
        top = min((unit.depth for unit in units), default=0)
        choices = [("", empty_label)] + [(unit.pk, "\u3000" * (unit.depth - top) + unit.name) for unit in units]
        super().__init__(choices=choices, coerce=self._unit, empty_value=None, **kwargs)

    def _unit(self, value):
        try:
            return self.by_pk[int(value)]
        except KeyError:  # not offered (has_changed coerces before validation): a ValueError is an invalid choice
            raise ValueError(value) from None

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class PersonPick(UnitPick):
    """A person out of ``people`` (evaluated once, with their unit selected), shown as 姓名（单位）."""

    def __init__(self, *, people=(), empty_label="不指定", **kwargs):
        people = sorted(people, key=lambda person: (tree_order(person.unit), person.name))
        self.by_pk = {person.pk: person for person in people}
        choices = [("", empty_label)] + [(person.pk, f"{person.name}（{person.unit.name}）") for person in people]
        forms.TypedChoiceField.__init__(self, choices=choices, coerce=self._unit, empty_value=None, **kwargs)


# --- 督办事项 ---------------------------------------------------------------------------------------------------

class TaskForm(forms.Form):
    title = forms.CharField(label="督办事项", max_length=200)
    instruction = forms.CharField(label="批示/交办内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label="来源", choices=[(TaskSource.INSTRUCTION, TaskSource.INSTRUCTION.label),
                                                    (TaskSource.OTHER, TaskSource.OTHER.label)])
    owner_unit = UnitPick(label="责任单位")
    owner_person = PersonPick(label="责任人", required=False, help_text="可不指定；须是责任单位的人员。")
    due_date = forms.DateField(label="办结时限", widget=date_input())

    def __init__(self, *args, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"] = UnitPick(label="责任单位", units=units)
        self.fields["owner_person"] = PersonPick(label="责任人", people=people, required=False,
                                                 help_text=self.fields["owner_person"].help_text)


class TransitionForm(forms.Form):
    """One move of a task. ``from_status`` is the status the page showed: a form sent twice (or after
    someone else moved the task) is refused instead of acting on a state the sender never saw."""

    to_status = forms.ChoiceField(label="操作", choices=TaskStatus.choices,
                                  error_messages={"required": "请选择操作。", "invalid_choice": "未知的操作。"})
    from_status = forms.ChoiceField(choices=TaskStatus.choices, required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = UnitPick(label="责任单位", required=False, empty_label="不变")
    owner_person = PersonPick(label="责任人", required=False)
    due_date = forms.DateField(label="新的办结时限", required=False, widget=date_input(),
                               help_text="留空则不变。")

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"] = UnitPick(label="责任单位", units=units, required=False, empty_label="不变")
        self.fields["owner_person"] = PersonPick(label="责任人", people=people, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label="办理进展", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写办理进展。"})


MINE_CHOICES = [("", "全部"), ("owner", "我的（本单位/本人办理）"), ("issued", "我交办的")]
DEADLINE_CHOICES = [("", "全部"), ("overdue", OVERDUE), ("due_soon", DUE_SOON)]


class TaskFilterForm(forms.Form):
    """督办事项 list filter, shared by the page and its Excel export."""

    q = forms.CharField(label="关键字", max_length=50, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "督办事项/批示内容"}))
    status = forms.ChoiceField(label="状态", choices=[("", "全部")] + TaskStatus.choices, required=False)
    mine = forms.ChoiceField(label="范围", choices=MINE_CHOICES, required=False)
    deadline = forms.ChoiceField(label="时限", choices=DEADLINE_CHOICES, required=False)
    project = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def filter(self, queryset, *, user, today):
        """``queryset`` narrowed by the valid fields, with ``deadline_flag`` (已超期/即将到期/"") annotated."""
        queryset = with_deadline(queryset, today)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("q"):
            queryset = queryset.filter(Q(title__contains=data["q"]) | Q(instruction__contains=data["q"]))
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("mine") == "owner":
            queryset = queryset.filter(Q(owner_unit_id=user.unit_id) | Q(owner_person=user))
        elif data.get("mine") == "issued":
            queryset = queryset.filter(issued_by=user)
        if data.get("deadline"):
            queryset = queryset.filter(deadline_flag=OVERDUE if data["deadline"] == "overdue" else DUE_SOON)
        if data.get("project"):
            queryset = queryset.filter(project_id=data["project"])
        return queryset


def deadline_cuts(today, within=DUE_WITHIN):
    """The deadline rule of :mod:`zoneops.core.deadlines` as two dates, so that a list can filter and badge
    in the database: an open task is 已超期 when due before the last working day up to today (a working day
    has passed since it was due), and 即将到期 when due before the (within+1)-th working day after today."""
    last_workday = today if is_workday(today) else add_workdays(today, -1)
    return last_workday, add_workdays(today, within + 1)


def with_deadline(queryset, today):
    overdue_before, soon_before = deadline_cuts(today)
    open_ = Q(status__in=OPEN_TASK_STATUSES)
    return queryset.annotate(deadline_flag=Case(
        When(open_ & Q(due_date__lt=overdue_before), then=Value(OVERDUE)),
        When(open_ & Q(due_date__lt=soon_before), then=Value(DUE_SOON)),
        default=Value(""), output_field=CharField()))


# --- 调度会 ------------------------------------------------------------------------------------------------------

class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": "如：第40周项目建设调度会"}))
    unit = UnitPick(label="组织单位")
    held_on = forms.DateField(label="会议日期", widget=date_input())
    place = forms.CharField(label="地点", max_length=200, required=False)
    chair = PersonPick(label="主持人", required=False)

    def __init__(self, *args, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPick(label="组织单位", units=units)
        self.fields["chair"] = PersonPick(label="主持人", people=people, required=False)


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=[("", "全部")] + MeetingKind.choices, required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部")] + MeetingStatus.choices, required=False)

    def filter(self, queryset):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset


class AgendaAddForm(forms.Form):
    title = forms.CharField(label="议题", max_length=300, error_messages={"required": "请填写议题。"})
    detail = forms.CharField(label="情况", max_length=1000, required=False)
    unit = UnitPick(label="涉及单位", required=False, empty_label="不指定")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPick(label="涉及单位", units=units, required=False, empty_label="不指定")


class AttendeeForm(forms.Form):
    unit = UnitPick(label="单位", required=False)
    present = forms.BooleanField(label="出席", required=False, initial=True)
    note = forms.CharField(label="说明", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "请假事由、代会人等"}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPick(label="单位", units=units, required=False, empty_label="（空行）")


AttendanceFormSet = forms.formset_factory(AttendeeForm, extra=3, max_num=200, absolute_max=200)


class DecisionForm(forms.Form):
    """A decision on an agenda item (``for_problem``: the item is a problem, so 问题办理意见 is offered) or a
    free one. A task decision needs an owner unit and a deadline; the service judges both."""

    kind = forms.ChoiceField(label="决定类型", choices=DecisionKind.choices)
    text = forms.CharField(label="决定内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写决定内容。"})
    owner_unit = UnitPick(label="责任单位", required=False)
    due_date = forms.DateField(label="办结时限", required=False, widget=date_input())

    def __init__(self, *args, units=(), for_problem=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"] = UnitPick(label="责任单位", units=units, required=False,
                                             help_text="问题办理意见记在问题的责任单位名下。" if for_problem else "")
        if not for_problem:
            self.fields["kind"].choices = [(DecisionKind.TASK, DecisionKind.TASK.label)]


class HoldForm(forms.Form):
    summary = forms.CharField(label="会议概述", max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="写入会议纪要；确认后会议状态变为“已召开”，纪要在后台生成。")
