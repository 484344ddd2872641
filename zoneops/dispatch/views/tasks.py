"""督办事项 pages: list, issue (standalone or from a project), detail with its moves and notes. Thin: parse,
call a selector or service, render; a refusal comes back beside its field or as a message, never as a 500."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404
from zoneops.core.listing import Column, Table, list_response
from zoneops.dispatch import selectors, services
from zoneops.dispatch.choices import TaskStatus
from zoneops.dispatch.forms import (
    OVERDUE,
    NoteForm,
    TaskFilterForm,
    TaskForm,
    TransitionForm,
)
from zoneops.dispatch.views.common import _actor, _people, _units
from zoneops.dispatch.workflow import TASK_MACHINE
from zoneops.org.scope import has_permission, may_act_on, require_permission
from zoneops.projects.models import Project

TASK_TABLE = Table(columns=[
    Column("督办事项", "title", sort="title", css="zo-col-name"),
    Column("来源", "get_source_display", sort="source"),
    Column("交办单位", "issuing_unit.name", sort="issuing_unit__path"),
    Column("责任单位", "owner_unit.name", sort="owner_unit__path"),
    Column("责任人", "owner_person.name"),
    Column("交办日期", "issued_on", sort="issued_on", css="text-nowrap"),
    Column("办结时限", "due_date", sort="due_date", css="text-nowrap"),
    Column("时限", "deadline_flag", sort="deadline_flag"),
    Column("状态", "get_status_display", sort="status"),
], default_sort="due_date")

# The button for each move of a task, in the words of the side that takes it.
MOVE_LABELS = {
    (TaskStatus.ASSIGNED, TaskStatus.HANDLING): "签收办理",
    (TaskStatus.DONE_REQUESTED, TaskStatus.HANDLING): "不同意办结",
    (TaskStatus.RETURNED, TaskStatus.ASSIGNED): "重新交办",
    (TaskStatus.DONE_REQUESTED, TaskStatus.CLOSED): "同意办结",
    (TaskStatus.HANDLING, TaskStatus.DONE_REQUESTED): "申请办结",
}
MOVE_STYLES = {TaskStatus.RETURNED: "outline-danger", TaskStatus.CLOSED: "success",
               (TaskStatus.DONE_REQUESTED, TaskStatus.HANDLING): "outline-danger"}
BADGES = {OVERDUE: "text-bg-danger"}


class DeadlineBadge(str):
    """已超期/即将到期: the text itself (Excel, sorting), a badge where a template renders it."""

    def __html__(self):
        return format_html('<span class="badge {}">{}</span>', BADGES.get(str(self), "text-bg-warning"), str(self))


# --- 督办事项 ---------------------------------------------------------------------------------------------------

def _decorate_tasks(tasks):
    for task in tasks:
        task.get_absolute_url = reverse("dispatch:task_detail", args=[task.pk])
        task.deadline_flag = DeadlineBadge(task.deadline_flag) if task.deadline_flag else ""
    return tasks


@login_required
@require_GET
def task_list(request):
    require_permission(request.user, "task.view")
    form = bootstrap(TaskFilterForm(request.GET or None))
    queryset = form.filter(selectors.task_list(user=request.user), user=request.user, today=timezone.localdate())
    project = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("project"):
        project = Project.objects.restrict(request.user, "project.view").filter(
            pk=form.cleaned_data["project"]).first()
    return list_response(request, queryset=queryset, table=TASK_TABLE, title="督办事项", filter_form=form,
                         export_name="督办事项", template="dispatch/task_list.html", prepare=_decorate_tasks,
                         context={"can_issue": has_permission(request.user, "task.issue"), "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request, project_pk=None):
    require_permission(request.user, "task.issue")
    project = None
    if project_pk is not None:
        try:
            project = Project.objects.restrict(request.user, "project.view").get(pk=project_pk)
        except ObjectDoesNotExist:
            raise Http404 from None
    units = _units(request.user)
    initial = {"owner_unit": project.responsible_unit_id, "title": f"{project.name}："} if project else {}
    form = bootstrap(TaskForm(request.POST or None, units=units, people=_people(request.user, units),
                              initial=initial))
    if request.method == "POST" and form.is_valid():
        task = run_on_form(form, lambda: services.task_issue(actor=_actor(request), project=project,
                                                             **form.cleaned_data))
        if task:
            messages.success(request, f"已交办“{task.title}”给{task.owner_unit.name}。")
            return redirect("dispatch:task_detail", task.pk)
    cancel = project.get_absolute_url() if project else reverse("dispatch:task_list")
    return render(request, "dispatch/task_form.html", {"title": "交办督办事项", "form": form, "project": project,
                                                       "cancel_url": cancel},
                  status=400 if form.is_bound and form.errors else 200)


def _task_page(request, task, *, form=None, note_form=None, status=200):
    actor = _actor(request)
    moves = selectors.task_moves(actor, task)
    reassign = any(target == TaskStatus.ASSIGNED for target, _label in moves)
    units = _units(request.user) if reassign else []
    if form is None:
        form = TransitionForm(initial={"from_status": task.status}, units=units, people=_people(request.user, units))
    buttons = sorted(((target, MOVE_LABELS.get((task.status, target), label),
                       MOVE_STYLES.get((task.status, target)) or MOVE_STYLES.get(target, "primary"))
                      for target, label in moves), key=lambda button: button[2].startswith("outline"))
    needed = [TASK_MACHINE.find(task.status, target).reason for target, _label in moves]
    reason_help = "".join(text for text in needed if text) or "选填。"
    may_note = task.status != TaskStatus.CLOSED and (may_act_on(actor, "task.handle", task.owner_unit)
                                                    or may_act_on(actor, "task.issue", task.issuing_unit))
    return render(request, "dispatch/task_detail.html", {
        "title": task.title, "task": task, "state": task.deadline_state(), "timeline": selectors.task_timeline(task),
        "buttons": buttons, "reassign": reassign, "reason_help": reason_help, "form": bootstrap(form),
        "note_form": bootstrap(note_form or NoteForm()) if may_note else None}, status=status)


@login_required
@require_GET
def task_detail(request, pk):
    return _task_page(request, get_or_404(selectors.task_get, user=request.user, pk=pk))


@login_required
@require_POST
def task_transition(request, pk):
    task = get_or_404(selectors.task_get, user=request.user, pk=pk)
    units = _units(request.user) if task.status == TaskStatus.RETURNED else []
    form = TransitionForm(request.POST, units=units, people=_people(request.user, units))
    if form.is_valid():
        data = form.cleaned_data
        if data["from_status"] and data["from_status"] != task.status:
            messages.error(request, f"该督办事项已是“{task.get_status_display()}”，本次提交未执行，请查看后再操作。")
            return redirect("dispatch:task_detail", task.pk)
        done = run_on_form(form, lambda: services.task_transition(
            actor=_actor(request), task=task, to_status=data["to_status"], reason=data["reason"],
            owner_unit=data["owner_unit"], owner_person=data["owner_person"], due_date=data["due_date"]))
        if done:
            messages.success(request, f"督办事项已变更为“{done.get_status_display()}”。")
            return redirect("dispatch:task_detail", task.pk)
    return _task_page(request, task, form=form, status=400)


@login_required
@require_POST
def task_note(request, pk):
    task = get_or_404(selectors.task_get, user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid() and run_on_form(form, lambda: services.task_note(
            actor=_actor(request), task=task, text=form.cleaned_data["text"])):
        messages.success(request, "已记录办理进展。")
        return redirect("dispatch:task_detail", task.pk)
    return _task_page(request, task, note_form=form, status=400)
