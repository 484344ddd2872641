"""The problem ledger's items on the workbench (registered in ProblemsConfig.ready)."""

from django.urls import reverse

from zoneops.core.workbench import Urgency, WorkItem
from zoneops.org.scope import has_permission
from zoneops.problems.choices import Status
from zoneops.problems.selectors import problem_list

MODULE = "问题台账"
DUE_WITHIN = 2  # working days


def _item(problem, kind, label, urgency, detail, action="处理"):
    return WorkItem(MODULE, kind, label, problem.title, reverse("problems:detail", args=[problem.pk]), urgency,
                    problem.due_date, detail, action)


def problem_items(user, today):
    if not has_permission(user, "problem.view") or user.unit_id is None:
        return []
    items = []
    visible = problem_list(user=user)
    for problem in visible.filter(responsible_unit=user.unit, status__in=[Status.ASSIGNED, Status.HANDLING]):
        deadline = problem.deadline
        if deadline.is_overdue(today):
            items.append(_item(problem, "problem_overdue", "已超期", Urgency.OVERDUE,
                               f"超期{deadline.overdue_by(today)}个工作日 · {problem.get_level_display()}督办"))
        elif deadline.is_due_soon(today, DUE_WITHIN):
            items.append(_item(problem, "problem_due_soon", "即将到期", Urgency.DUE,
                               f"{problem.due_date:%m月%d日}到期"))
        elif problem.status == Status.ASSIGNED:
            items.append(_item(problem, "problem_assigned", "新交办", Urgency.TODO,
                               f"{problem.raising_unit.name}提出", "签收"))
    for problem in visible.filter(raising_unit=user.unit, status=Status.RETURNED):
        items.append(_item(problem, "problem_returned", "被退回", Urgency.OVERDUE, problem.return_reason))
    for problem in visible.filter(raised_by=user, status=Status.CLOSE_REQUESTED):
        items.append(_item(problem, "problem_approve", "待销号", Urgency.DUE,
                           f"{problem.responsible_unit.name}申请销号", "审核"))
    if has_permission(user, "problem.assign"):
        assignable = problem_list(user=user, action="problem.assign")
        for problem in assignable.filter(status=Status.PENDING)[:50]:
            items.append(_item(problem, "problem_pending", "待交办", Urgency.TODO,
                               f"{problem.raising_unit.name} → {problem.responsible_unit.name}", "交办"))
        for problem in assignable.filter(status=Status.PARKED, park_review_on__lte=today)[:50]:
            items.append(_item(problem, "problem_review_parked", "挂账到期", Urgency.DUE, problem.park_reason, "复核"))
    return items
