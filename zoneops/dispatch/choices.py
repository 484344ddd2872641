from django.db import models


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "办理中"
    DONE_REQUESTED = "done_requested", "申请办结"
    CLOSED = "closed", "已办结"
    RETURNED = "returned", "退回"


TASK_ORDER = [TaskStatus.ASSIGNED, TaskStatus.HANDLING, TaskStatus.DONE_REQUESTED, TaskStatus.CLOSED]
OPEN_TASK_STATUSES = [TaskStatus.ASSIGNED, TaskStatus.HANDLING, TaskStatus.RETURNED, TaskStatus.DONE_REQUESTED]


class TaskSource(models.TextChoices):
    INSTRUCTION = "instruction", "领导批示"
    MEETING = "meeting", "会议决定"
    OTHER = "other", "其他交办"


class TaskEventKind(models.TextChoices):
    ISSUED = "issued", "交办"
    STATE = "state", "状态变更"
    NOTE = "note", "办理进展"


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", "周调度"
    MONTHLY = "monthly", "月调度"
    TOPIC = "topic", "专题调度"
    SITE = "site", "现场推进"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    HELD = "held", "已召开"


class AgendaKind(models.TextChoices):
    """Where an agenda item came from; the order is the order of the agenda."""

    RED_LIGHT = "red_light", "红灯项目"
    BLACK_FLAG = "black_flag", "黑旗项目"
    PROBLEM_ESCALATED = "problem_escalated", "升级至本会的问题"
    PROBLEM_OVERDUE = "problem_overdue", "超期问题"
    PROBLEM_DUE = "problem_due", "本周到期问题"
    REPORT_MISSING = "report_missing", "本期缺报项目"
    OPEN_DECISION = "open_decision", "上次会议未办结事项"
    OTHER = "other", "其他议题"


class DecisionKind(models.TextChoices):
    TASK = "task", "形成督办事项"
    PROBLEM = "problem", "问题办理意见"
