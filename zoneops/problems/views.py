"""问题台账 pages: list, raise (standalone or from a project), detail with timeline and actions."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zoneops.audit.context import Actor
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.core.http import get_or_404
from zoneops.core.workbench import CALENDAR_REACH_DAYS
from zoneops.core.workdays import preloaded
from zoneops.org.scope import require_permission
from zoneops.problems import selectors, services
from zoneops.problems.choices import Status
from zoneops.problems.forms import CategoryForm, NoteForm, ProblemForm, TransitionForm
from zoneops.problems.models import ProblemCategory
from zoneops.problems.workflow import status_history
from zoneops.projects.models import Project

LIST_LENGTH = 200


@login_required
@require_GET
def problem_list(request):
    require_permission(request.user, "problem.view")
    rows = selectors.problem_list(user=request.user)
    status = request.GET.get("status", "")
    if status:
        rows = rows.filter(status=status)
    today = timezone.localdate()
    problems = list(rows[:LIST_LENGTH])
    with preloaded(today - timedelta(days=CALENDAR_REACH_DAYS), today + timedelta(days=CALENDAR_REACH_DAYS)):
        for problem in problems:
            problem.state = problem.deadline_state(today)
    return render(request, "problems/list.html", {"title": "问题台账", "problems": problems, "status": status,
                                                  "status_choices": Status.choices})


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request, project_pk=None):
    require_permission(request.user, "problem.raise")
    project = None
    if project_pk is not None:
        try:
            project = Project.objects.restrict(request.user, "project.view").get(pk=project_pk)
        except ObjectDoesNotExist:
            raise Http404 from None
    form = ProblemForm(request.POST or None, user=request.user,
                       initial={"responsible_unit": project.responsible_unit_id} if project else None)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_raise(actor=Actor.from_request(request), project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or "您无权进行该操作。")
        else:
            messages.success(request, "问题已登记。")
            return redirect("problems:detail", problem.pk)
    return render(request, "problems/form.html", {"title": "提出问题", "form": form, "project": project})


@login_required
@require_GET
def problem_detail(request, pk):
    problem = get_or_404(selectors.problem_get, user=request.user, pk=pk)
    actor = Actor.from_request(request)
    return render(request, "problems/detail.html", {
        "title": problem.title, "problem": problem, "timeline": selectors.timeline(problem),
        "history": status_history(problem), "moves": selectors.allowed_moves(actor, problem),
        "co_units": list(problem.co_units.all()), "state": problem.deadline_state(),
        "form": TransitionForm(), "note_form": NoteForm()})


@login_required
@require_POST
def problem_transition(request, pk):
    problem = get_or_404(selectors.problem_get, user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("problems:detail", problem.pk)
    data = form.cleaned_data
    try:
        services.problem_transition(actor=Actor.from_request(request), problem=problem, to_status=data["to_status"],
                                    reason=data["reason"], review_on=data["review_on"], rating=data["rating"],
                                    comment=data["comment"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or "您无权进行该操作。")
    else:
        messages.success(request, "已更新。")
    return redirect("problems:detail", problem.pk)


@login_required
@require_POST
def problem_note(request, pk):
    problem = get_or_404(selectors.problem_get, user=request.user, pk=pk)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("text", ["请填写办理进展。"])[0])
        services.problem_note(actor=Actor.from_request(request), problem=problem, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or "您无权进行该操作。")
    return redirect("problems:detail", problem.pk)


@login_required
@require_http_methods(["GET", "POST"])
def categories(request, pk=None):
    """问题分类: the categories and their default deadlines, editable by holders of problem.rules."""
    require_permission(request.user, "problem.rules")
    category = get_or_404(ProblemCategory.objects.get, pk=pk) if pk else None
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(actor=Actor.from_request(request), category=category,
                                   **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "问题分类已保存。")
            return redirect("problems:categories")
    return render(request, "problems/categories.html", {
        "title": "问题分类", "rows": list(ProblemCategory.objects.all()), "form": form, "category": category})
