"""督办调度's items on the workbench (registered in DispatchConfig.ready)."""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse

from zoneops.core.dates import cn_month_day
from zoneops.core.workbench import Urgency, WorkItem
from zoneops.dispatch.choices import MeetingStatus, TaskStatus
from zoneops.dispatch.selectors import meeting_list, task_list
from zoneops.org.scope import has_permission

MODULE = "督办调度"
DUE_WITHIN = 2  # working days
MEETING_AHEAD_DAYS = 7


def _item(task, kind, label, urgency, detail, action="办理"):
    return WorkItem(MODULE, kind, label, task.title, reverse("dispatch:task_detail", args=[task.pk]), urgency,
                    task.due_date, detail, action)


def task_items(user, today):
    items = []
    if has_permission(user, "task.view"):
        visible = task_list(user=user)
        mine = visible.filter(Q(owner_unit=user.unit) | Q(owner_person=user),
                              status__in=[TaskStatus.ASSIGNED, TaskStatus.HANDLING])
        for task in mine:
            deadline = task.deadline
            if deadline.is_overdue(today):
                items.append(_item(task, "task_overdue", "督办超期", Urgency.OVERDUE,
                                   f"超期{deadline.overdue_by(today)}个工作日 · {task.issuing_unit.name}交办"))
            elif deadline.is_due_soon(today, DUE_WITHIN):
                items.append(_item(task, "task_due_soon", "督办将到期", Urgency.DUE,
                                   f"{cn_month_day(task.due_date)}到期"))
            elif task.status == TaskStatus.ASSIGNED:
                items.append(_item(task, "task_assigned", "新督办", Urgency.TODO, f"{task.issuing_unit.name}交办",
                                   "签收"))
        for task in visible.filter(issued_by=user, status=TaskStatus.RETURNED):
            items.append(_item(task, "task_returned", "督办被退回", Urgency.OVERDUE, task.return_reason, "重新交办"))
        for task in visible.filter(issued_by=user, status=TaskStatus.DONE_REQUESTED):
            items.append(_item(task, "task_approve", "待审核办结", Urgency.DUE,
                               f"{task.owner_unit.name}申请办结", "审核"))
    if has_permission(user, "meeting.manage"):
        upcoming = meeting_list(user=user, action="meeting.manage").filter(
            status=MeetingStatus.PLANNED, held_on__lte=today + timedelta(days=MEETING_AHEAD_DAYS))
        for meeting in upcoming[:20]:
            items.append(WorkItem(MODULE, "meeting_planned", "待召开", meeting.title,
                                  reverse("dispatch:meeting_detail", args=[meeting.pk]),
                                  Urgency.OVERDUE if meeting.held_on < today else Urgency.DUE, meeting.held_on,
                                  f"{meeting.get_kind_display()} · {meeting.unit.name}", "查看议程"))
    return items
