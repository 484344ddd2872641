"""督办调度: tracked instructions (督办事项) and the dispatch meetings (调度会) whose agenda builds itself."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zoneops.core.deadlines import Deadline
from zoneops.dispatch.choices import (
    AgendaKind,
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    TaskEventKind,
    TaskSource,
    TaskStatus,
)
from zoneops.org.scope import ScopedManager, ScopedQuerySet, _active, scope_filter


class Task(models.Model):
    """督办事项: a leader's instruction (批示) or a meeting decision, handed to a unit with a deadline and
    chased until the issuing side accepts it as done (办结)."""

    scope_unit_fields = ("owner_unit", "issuing_unit")
    scope_owner_fields = ("owner_person", "issued_by")

    title = models.CharField("督办事项", max_length=200)
    instruction = models.TextField("批示/决定内容", max_length=2000)
    source = models.CharField("来源", max_length=20, choices=TaskSource.choices, default=TaskSource.INSTRUCTION)
    issuing_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="交办单位")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="交办人")
    owner_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    owner_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="责任人")
    issued_on = models.DateField("交办日期", default=timezone.localdate)
    due_date = models.DateField("办结时限")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="tasks", verbose_name="关联项目")
    problem = models.ForeignKey("problems.Problem", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="tasks", verbose_name="关联问题")
    decision = models.OneToOneField("Decision", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="task", verbose_name="会议决定")
    status = models.CharField("状态", max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    result = models.CharField("办结情况", max_length=1000, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = "督办事项"
        indexes = [models.Index(fields=["status", "due_date"], name="dispatch_task_status_due"),
                   models.Index(fields=["owner_unit", "status"], name="dispatch_task_owner_status")]

    def __str__(self):
        return self.title

    @property
    def deadline(self):
        return Deadline(self.issued_on, 0, self.due_date, self.closed_on)

    def deadline_state(self, today=None):
        return self.deadline.state(today or timezone.localdate(), within=2)


class TaskEvent(models.Model):
    """One entry of a task's timeline (交办, 状态变更, 办理进展)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=20, choices=TaskEventKind.choices)
    text = models.CharField("内容", max_length=1000)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "督办动态"

    def __str__(self):
        return self.text


class MeetingQuerySet(ScopedQuerySet):
    def restrict(self, user, action):
        """Visible through the organising unit, or to a unit that attends (it then sees the agenda items
        and decisions that concern it: :class:`AgendaItem` and :class:`Decision` are scoped themselves)."""
        direct = scope_filter(Meeting, user, action)
        if not _active(user):
            return self.none()
        if direct is None:
            return self
        attending = MeetingAttendee.objects.filter(scope_filter(MeetingAttendee, user, action)).values("meeting_id")
        return self.filter(direct | Q(pk__in=attending))


class Meeting(models.Model):
    """调度会: 周调度, 月调度, 专题调度 or 现场推进, organised by a unit (usually the zone)."""

    scope_unit_fields = ("unit",)

    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices, default=MeetingKind.WEEKLY)
    title = models.CharField("会议名称", max_length=200)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="主持人")
    status = models.CharField("状态", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    summary = models.TextField("会议概述", max_length=4000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField(auto_now_add=True)
    minutes_docx = models.FileField("会议纪要（Word）", upload_to="minutes/%Y/", blank=True)
    minutes_pdf = models.FileField("会议纪要（PDF）", upload_to="minutes/%Y/", blank=True)
    minutes_at = models.DateTimeField("纪要生成时间", null=True, blank=True)

    objects = models.Manager.from_queryset(MeetingQuerySet)()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "调度会"
        indexes = [models.Index(fields=["unit", "kind", "held_on"], name="dispatch_meeting_unit_kind")]

    def __str__(self):
        return self.title


class MeetingAttendee(models.Model):
    """出席: a unit (and optionally the person) asked to the meeting, present or absent with a note."""

    scope_unit_fields = ("unit",)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="参会人")
    present = models.BooleanField("出席", default=True)
    note = models.CharField("说明", max_length=200, blank=True, help_text="如请假事由、代会人。")

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__path", "id"]
        verbose_name = "参会单位"
        constraints = [models.UniqueConstraint(fields=["meeting", "unit"], name="dispatch_attendee_once")]

    def __str__(self):
        return f"{self.meeting_id} · {self.unit_id}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda, built from the data when the meeting is created (or added by
    hand). Seen by whoever sees the meeting through its organising unit, and by the unit it concerns."""

    scope_unit_fields = ("unit", "meeting__unit")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("议题类型", max_length=30, choices=AgendaKind.choices)
    title = models.CharField("议题", max_length=300)
    detail = models.CharField("情况", max_length=1000, blank=True)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="涉及单位")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", verbose_name="项目")
    problem = models.ForeignKey("problems.Problem", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", verbose_name="问题")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name="督办事项")

    objects = ScopedManager()

    class Meta:
        ordering = ["seq", "id"]
        verbose_name = "会议议题"

    def __str__(self):
        return self.title


class Decision(models.Model):
    """会议决定: what the meeting decided on an item; it becomes a 督办事项 or a problem's progress note."""

    scope_unit_fields = ("owner_unit", "meeting__unit")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("决定类型", max_length=20, choices=DecisionKind.choices, default=DecisionKind.TASK)
    text = models.CharField("决定内容", max_length=1000)
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="议题")
    owner_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    due_date = models.DateField("办结时限", null=True, blank=True)
    problem = models.ForeignKey("problems.Problem", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="问题")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["seq", "id"]
        verbose_name = "会议决定"

    def __str__(self):
        return self.text
