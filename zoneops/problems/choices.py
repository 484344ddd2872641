from django.db import models


class Status(models.TextChoices):
    PENDING = "pending", "待交办"
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "办理中"
    CLOSE_REQUESTED = "close_requested", "申请销号"
    CLOSED = "closed", "已销号"
    RETURNED = "returned", "退回"
    PARKED = "parked", "挂账"


STATUS_ORDER = [Status.PENDING, Status.ASSIGNED, Status.HANDLING, Status.CLOSE_REQUESTED, Status.CLOSED]
OPEN_STATUSES = [Status.ASSIGNED, Status.HANDLING, Status.RETURNED]  # the clock runs, escalation applies


class Level(models.IntegerChoices):
    """Escalation ladder (督办层级): one step up each time a problem stays overdue too long."""

    UNIT = 0, "责任单位"
    TASK_FORCE = 1, "专班"
    WEEKLY_MEETING = 2, "周调度会"
    DEPUTY = 3, "分管领导"
    HEAD = 4, "主要领导"


class EventKind(models.TextChoices):
    RAISED = "raised", "提出"
    STATE = "state", "状态变更"
    ESCALATED = "escalated", "升级督办"
    NOTE = "note", "办理进展"
    EDITED = "edited", "修改"
