"""Every write of the problem ledger: validated, one transaction, audited, on the timeline, notified."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zoneops.audit.services import audit_record
from zoneops.core.deadlines import due_date
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.core.rulesets import rule_book
from zoneops.core.workdays import workdays_between
from zoneops.notifications.models import Kind
from zoneops.notifications.services import notify
from zoneops.org.models import UnitKind
from zoneops.org.scope import may_act_on
from zoneops.org.selectors import people_who_may
from zoneops.problems.choices import OPEN_STATUSES, EventKind, Level, Status
from zoneops.problems.models import Problem, ProblemCategory, ProblemCoUnit, ProblemEvent, ProblemRules
from zoneops.problems.workflow import PROBLEM_MACHINE


def _rules_book():
    """Every rules row loaded once, for the worker's sweeps (unscoped: rules are read for every unit)."""
    book = rule_book(ProblemRules.objects.unscoped())
    fallback = ProblemRules()
    return lambda unit: book.for_path(unit.path) or fallback


def unit_people(unit):
    """The people of ``unit`` told about its problems: those whose problem.view reaches the unit."""
    return people_who_may(unit, "problem.view")


def _event(problem, kind, text, actor):
    return ProblemEvent.objects.create(problem=problem, kind=kind, text=text[:1000],
                                       actor=getattr(actor, "person", None))


def _url(problem):
    return reverse("problems:detail", args=[problem.pk])


def zone_of(unit):
    node = unit
    while node.parent_id is not None and node.kind != UnitKind.ZONE:
        node = node.parent
    return node


def level_unit(problem, level):
    """The unit that chases the problem at ``level``: the task force (专班) of its project, else the
    responsible unit's parent; from 周调度会 up, the zone (its leaders and dispatch meeting)."""
    if level == Level.UNIT:
        return None
    if level == Level.TASK_FORCE:
        if problem.project_id and problem.project.task_force_id:
            return problem.project.task_force
        return problem.responsible_unit.parent or problem.responsible_unit
    return zone_of(problem.responsible_unit)


# --- Raise and edit ------------------------------------------------------------------------------------------

def problem_raise(*, actor, title, category, description, raising_unit, responsible_unit, co_units=(),
                  project=None, workdays=None, raised_on=None):
    """Write a problem down (待交办). The deadline counts ``workdays`` working days (default: the
    category's) from the day it is raised."""
    if not actor.is_system and not may_act_on(actor, "problem.raise", raising_unit):
        raise PermissionDenied("您无权以该单位名义提出问题。")
    if project is not None and not actor.is_system and not may_act_on(actor, "project.view", project):
        raise PermissionDenied("您无权查看该项目。")
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写问题标题。"
    if not (description or "").strip():
        errors["description"] = "请填写问题描述。"
    if not category.is_active:
        errors["category"] = "该分类已停用。"
    workdays = workdays or category.default_workdays
    if workdays < 1:
        errors["workdays"] = "办理时限至少1个工作日。"
    co_units = [unit for unit in co_units if unit.pk != responsible_unit.pk]
    if errors:
        raise ValidationError(errors)
    raised_on = raised_on or timezone.localdate()
    with transaction.atomic():
        problem = Problem.objects.create(
            title=title.strip(), category=category, description=description.strip(), project=project,
            raising_unit=raising_unit, raised_by=actor.person, responsible_unit=responsible_unit,
            raised_on=raised_on, workdays=workdays, start_on=raised_on, due_date=due_date(raised_on, workdays))
        ProblemCoUnit.objects.bulk_create([ProblemCoUnit(problem=problem, unit=unit) for unit in co_units])
        audit_record(actor, "problem.raise", problem,
                     changes={"responsible_unit": responsible_unit.name, "due_date": problem.due_date.isoformat()})
        _event(problem, EventKind.RAISED, f"{raising_unit.name}提出问题，责任单位{responsible_unit.name}，"
                                          f"限{workdays}个工作日（{problem.due_date:%Y-%m-%d}前）办结。", actor)
    return problem


# --- Transitions ---------------------------------------------------------------------------------------------

def problem_transition(*, actor, problem, to_status, reason="", review_on=None, rating=None, comment="", on=None):
    """Move a problem along its machine. 挂账 needs a review date; 销号 needs a 1–5 rating.
    ``on``: the day the move happened (default today; earlier days when loading history)."""
    with transaction.atomic():
        problem = Problem.objects.select_for_update(of=("self",)).select_related(
            "raising_unit", "responsible_unit", "project").get(pk=problem.pk)
        move = PROBLEM_MACHINE.check(problem.status, to_status, reason)
        PROBLEM_MACHINE.authorize(actor, move, problem)
        today = on or timezone.localdate()
        fields = ["status"]
        if to_status == Status.PARKED:
            if review_on is None or review_on <= today:
                raise ValidationError({"review_on": "挂账须填写今天以后的复核日期。"})
            problem.park_reason, problem.park_review_on = reason.strip(), review_on
            fields += ["park_reason", "park_review_on"]
        if to_status == Status.RETURNED:
            problem.return_reason = reason.strip()
            fields.append("return_reason")
        if to_status == Status.ASSIGNED and problem.status == Status.PENDING:
            problem.start_on, problem.due_date = today, due_date(today, problem.workdays)
            fields += ["start_on", "due_date"]
        if to_status == Status.CLOSED:
            if rating is None or not 1 <= int(rating) <= 5:
                raise ValidationError({"rating": "销号须给出1–5分的满意度评价。"})
            problem.rating, problem.rating_comment, problem.closed_on = int(rating), comment.strip()[:500], today
            fields += ["rating", "rating_comment", "closed_on"]
        problem.status = to_status
        problem.save(update_fields=fields)
        PROBLEM_MACHINE.record(problem, move, actor=actor, reason=reason, effective_on=today,
                               audit_action="problem.transition")
        text = f"{PROBLEM_MACHINE.label(move.source)} → {PROBLEM_MACHINE.label(move.target)}"
        if reason.strip():
            text += f"：{reason.strip()}"
        if to_status == Status.PARKED:
            text += f"（复核日期 {review_on:%Y-%m-%d}）"
        if to_status == Status.CLOSED:
            text += f"（满意度 {problem.rating} 分{'，' + problem.rating_comment if problem.rating_comment else ''}）"
        _event(problem, EventKind.STATE, text, actor)
        _notify_transition(problem, to_status, reason)
    return problem


def _notify_transition(problem, to_status, reason):
    key = f"problem:{problem.pk}:{to_status}:{PROBLEM_MACHINE.history_queryset(problem).count()}"
    raiser = [problem.raised_by] if problem.raised_by_id else []
    if to_status == Status.ASSIGNED:
        notify(unit_people(problem.responsible_unit), kind=Kind.ASSIGNED, key=key, url=_url(problem),
               units=[problem.responsible_unit],
               title=f"交办问题：{problem.title}", body=f"请于{problem.due_date:%Y-%m-%d}前办结。")
    elif to_status == Status.RETURNED:
        notify(raiser, kind=Kind.RETURNED, key=key, url=_url(problem), title=f"问题被退回：{problem.title}",
               body=reason)
    elif to_status == Status.CLOSE_REQUESTED:
        notify(raiser, kind=Kind.CLOSE_REQUESTED, key=key, url=_url(problem),
               title=f"申请销号待审核：{problem.title}")
    elif to_status == Status.CLOSED:
        notify(unit_people(problem.responsible_unit), kind=Kind.CLOSED, key=key, url=_url(problem),
               title=f"问题已销号：{problem.title}")


def problem_note(*, actor, problem, text):
    """A progress note (办理进展) on the timeline, by anyone who may handle or assign it."""
    if not (text or "").strip():
        raise ValidationError({"text": "请填写办理进展。"})
    if not actor.is_system and not (may_act_on(actor, "problem.handle", problem.responsible_unit)
                                    or may_act_on(actor, "problem.assign", problem.raising_unit)):
        raise PermissionDenied("您无权操作该问题。")
    with transaction.atomic():
        audit_record(actor, "problem.note", problem, detail=text.strip()[:500])
        return _event(problem, EventKind.NOTE, text.strip(), actor)


# --- Escalation and reminders (the worker) -------------------------------------------------------------------

def escalate_overdue(*, actor, today=None):
    """Raise by one level each open problem overdue by the rule's working days since its due date (or
    since its last escalation), and notify the new level's unit. Idempotent within a day."""
    today = today or timezone.localdate()
    rules_of = _rules_book()
    escalated = []
    candidates = (Problem.objects.unscoped()  # unscoped: the worker's sweep over every unit
                  .filter(status__in=OPEN_STATUSES, due_date__lt=today, level__lt=Level.HEAD)
                  .select_related("responsible_unit", "project"))
    for problem in candidates:
        rule = rules_of(problem.responsible_unit)
        since = max(problem.due_date, problem.escalated_on or problem.due_date)
        if workdays_between(since, today) < rule.escalate_after_workdays:
            continue
        with transaction.atomic():
            problem = Problem.objects.select_for_update().get(pk=problem.pk)
            old = problem.level
            problem.level = old + 1
            problem.escalated_unit = level_unit(problem, problem.level)
            problem.escalated_on = today
            problem.save(update_fields=["level", "escalated_unit", "escalated_on"])
            label = Level(problem.level).label
            audit_record(actor, "problem.escalate", problem, changes={"level": [Level(old).label, label]})
            _event(problem, EventKind.ESCALATED,
                   f"超期{workdays_between(problem.due_date, today)}个工作日，自动升级至{label}"
                   f"（{problem.escalated_unit.name}）。", actor)
            notify(unit_people(problem.escalated_unit) + unit_people(problem.responsible_unit), kind=Kind.ESCALATED,
                   units=[problem.escalated_unit, problem.responsible_unit],
                   key=f"problem:{problem.pk}:escalated:{problem.level}", url=_url(problem),
                   title=f"问题升级至{label}督办：{problem.title}",
                   body=f"责任单位{problem.responsible_unit.name}，期限{problem.due_date:%Y-%m-%d}。")
        escalated.append(problem)
    return escalated


def remind_due(*, today=None):
    """Due-soon and overdue reminders to the responsible unit, at most one of each per problem and day:
    the key names the day, so re-running (a restarted worker) neither loses nor repeats one."""
    today = today or timezone.localdate()
    rules_of = _rules_book()
    sent = 0
    for problem in (Problem.objects.unscoped()  # unscoped: the worker's sweep over every unit
                    .filter(status__in=OPEN_STATUSES).select_related("responsible_unit")):
        rule = rules_of(problem.responsible_unit)
        state = problem.deadline.state(today, within=rule.remind_before_workdays)
        if state.value not in ("due_soon", "overdue"):
            continue
        kind = Kind.OVERDUE if state.value == "overdue" else Kind.DUE_SOON
        text = (f"已超期{problem.deadline.overdue_by(today)}个工作日" if kind == Kind.OVERDUE
                else f"将于{problem.due_date:%Y-%m-%d}到期")
        sent += len(notify(unit_people(problem.responsible_unit), kind=kind, url=_url(problem),
                           units=[problem.responsible_unit],
                           key=f"problem:{problem.pk}:{kind}:{today.isoformat()}",
                           title=f"问题{text}：{problem.title}"))
    return sent


# --- Rules ---------------------------------------------------------------------------------------------------

RULE_FIELDS = ("escalate_after_workdays", "remind_before_workdays")


def rules_update(*, actor, unit=None, **values):
    """Create or change the problem rules of ``unit`` (None = the platform default)."""
    if not actor.is_system and not may_act_on(actor, "problem.rules", unit):
        raise PermissionDenied("您无权维护该单位的问题规则。")
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"未知的规则项：{'、'.join(sorted(unknown))}。")
    if values.get("escalate_after_workdays", 1) < 1:
        raise ValidationError({"escalate_after_workdays": "超期升级至少1个工作日。"})
    with transaction.atomic():
        rules, _created = ProblemRules.objects.get_or_create(unit=unit)
        changes = {name: [getattr(rules, name), value] for name, value in values.items()}
        for name, value in values.items():
            setattr(rules, name, value)
        rules.save()
        audit_record(actor, "problem.rules", rules, changes=changes)
    return rules


CATEGORY_FIELDS = ("name", "default_workdays", "sort_order", "is_active")


def category_save(*, actor, category=None, **values):
    """Create or change a problem category (problem.rules): name, default working days, order, in use."""
    from zoneops.org.scope import has_permission

    if not actor.is_system and not has_permission(actor.person, "problem.rules"):
        raise PermissionDenied("您无权维护问题分类。")
    with transaction.atomic():
        category = category or ProblemCategory()
        before = {name: getattr(category, name) for name in CATEGORY_FIELDS}
        for name in CATEGORY_FIELDS:
            if name in values:
                setattr(category, name, values[name])
        category.full_clean()
        category.save()
        audit_record(actor, "problem.category", category,
                     changes={name: [before[name], getattr(category, name)] for name in CATEGORY_FIELDS
                              if before[name] != getattr(category, name)})
    return category
