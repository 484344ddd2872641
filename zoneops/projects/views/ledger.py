"""Pages of the project module. Thin: parse, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zoneops.audit.context import Actor
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404, year_param
from zoneops.core.listing import Column, Table, list_response
from zoneops.core.money import MONEY_UNITS, format_amount, format_wan, money_context
from zoneops.org.models import Person, UnitKind
from zoneops.org.scope import has_permission, may_act_on, require_permission
from zoneops.org.selectors import unit_list
from zoneops.projects import figures, lights, selectors, services
from zoneops.projects.choices import STATS_DOCUMENTS, Stage, StatsStatus
from zoneops.projects.filtersets import project_filterset
from zoneops.projects.forms import (
    ApprovalForm,
    MilestoneAddForm,
    MilestoneUpdateForm,
    ProjectForm,
    ReplanDecisionForm,
    StageForm,
    StatsForm,
    TemplateForm,
)
from zoneops.projects.models import (
    ApprovalItem,
    Milestone,
    MilestoneReplan,
    ProjectRules,
    ReplanStatus,
)
from zoneops.projects.pickers import business_people
from zoneops.projects.stages import stage_history


def ledger_table(unit="wan"):
    """The ledger's columns, money in the page's unit (``?money=yi``: 亿元; default 万元)."""
    label = MONEY_UNITS[unit][0]
    return Table(columns=[
        Column("项目名称", "name", sort="name", css="zo-col-name"),
        Column("责任单位", "responsible_unit.name", sort="responsible_unit__path"),
        Column("阶段", "get_stage_display", sort="stage"),
        Column(f"总投资（{label}）", "total_investment_wan", sort="total_investment", css="text-end text-nowrap"),
        Column(f"本年计划（{label}）", "year_plan_wan", sort="year_plan_investment", css="text-end text-nowrap"),
        Column(f"本年完成（{label}）", "invested_year_wan", sort="invested_year", css="text-end text-nowrap"),
        Column(f"累计完成（{label}）", "invested_total_wan", sort="invested_total", css="text-end text-nowrap"),
        Column("计划开工", "planned_start", sort="planned_start", css="text-nowrap"),
        Column("包联领导", "leader.name"),
        Column("状态", "verdict", sort="light_order"),  # lights.with_light: sorted in SQL
    ], default_sort="-updated_at")


LEDGER_TABLE = ledger_table()
LEDGER_TABLES = {unit: ledger_table(unit) for unit in MONEY_UNITS}


def _decorate(projects, unit="wan"):
    """Lights and money figures (in the page's unit; the attributes keep their 万元 names) for a page."""
    selectors.with_lights(projects)
    for project in projects:
        project.total_investment_wan = format_amount(project.total_investment, unit)
        project.year_plan_wan = format_amount(project.year_plan_investment, unit)
        project.invested_year_wan = format_amount(project.invested_year, unit)
        project.invested_total_wan = format_amount(project.invested_total + project.investment_before, unit)
    return projects


@login_required
def project_list(request):
    require_permission(request.user, "project.view")
    filterset = project_filterset(request.GET, user=request.user)
    queryset = filterset.qs
    money = money_context(request)
    unit = money["money"]
    footer = figures.ledger_footer(queryset)
    footer["amount_wan"] = format_amount(footer["amount"], unit)  # shown as the columns are
    if request.GET.get("sort", "").lstrip("-") == "light_order":  # only then: SQLite computes the selected
        queryset = lights.with_light(queryset, filterset.today)  # columns of every row before it sorts
    return list_response(request, queryset=queryset, table=LEDGER_TABLES[unit], title="项目库",
                         filter_form=bootstrap(filterset.form),
                         template="projects/list.html", prepare=lambda rows: _decorate(rows, unit),
                         context={"can_edit": has_permission(request.user, "project.edit"), "figure": filterset.figure,
                                  "figure_error": filterset.figure_error, "period_key": request.GET.get("period", ""),
                                  "footer": footer, **money})


@login_required
def my_projects(request):
    require_permission(request.user, "project.view")
    mine = Q(leader=request.user) | Q(commissioner=request.user)
    queryset = selectors.project_queryset(user=request.user).filter(mine)
    return list_response(request, queryset=queryset, table=LEDGER_TABLE, title="我的项目",
                         template="projects/list.html", prepare=_decorate)


def _form_choices(request):
    units = unit_list(user=request.user, action="project.edit")
    people = business_people(Person.objects.filter(is_active=True).restrict(request.user, "person.view"))
    if not people.exists():
        people = Person.objects.unscoped().filter(pk=request.user.pk)  # unscoped: the user may always name themself
    task_forces = unit_list(user=request.user).filter(kind=UnitKind.TASK_FORCE)
    return {"units": units, "people": people, "task_forces": task_forces}


@login_required
def project_create(request):
    require_permission(request.user, "project.edit")
    form = bootstrap(ProjectForm(request.POST or None, **_form_choices(request)))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        co_units = data.pop("co_units", [])
        project = run_on_form(form, lambda: services.project_create(
            actor=Actor.from_request(request), co_units=co_units, **data))
        if project:
            messages.success(request, f"已录入项目“{project.name}”。")
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "title": "录入项目", "cancel_url": "/projects/"})


@login_required
def project_edit(request, pk):
    project = get_or_404(selectors.project_get, user=request.user, pk=pk, action="project.edit")
    form = bootstrap(ProjectForm(request.POST or None, instance=project, **_form_choices(request)))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        co_units = data.pop("co_units", [])
        expected_version = data.pop("version")
        fresh = selectors.project_get(user=request.user, pk=pk, action="project.edit")
        done = run_on_form(form, lambda: services.project_update(
            actor=Actor.from_request(request), project=fresh, expected_version=expected_version,
            co_units=co_units, **data))
        if done:
            messages.success(request, "项目已保存。")
            return redirect(done)
    return render(request, "projects/form.html", {"form": form, "title": f"编辑项目：{project.name}",
                                                  "cancel_url": project.get_absolute_url()})


@login_required
def project_detail(request, pk, stage_form=None, status=200):
    project = get_or_404(selectors.project_get, user=request.user, pk=pk)
    rules = selectors.rules_for(project)
    today = timezone.localdate()
    _decorate([project])
    approvals, spans = selectors.approval_spans(project, rules, today)
    milestones = list(project.milestones.all())
    from zoneops.projects.flags import milestone_flag

    for milestone in milestones:
        milestone.flag = milestone_flag(milestone, today)
    user = request.user
    stage_form = stage_form or StageForm(initial={"effective_on": today}, project=project)
    reports = selectors.cumulative_for(project)
    revisions = selectors.report_revisions(project)
    for report in reports:
        report.history = revisions.get(report.pk, [])
    return render(request, "projects/detail.html", {
        "title": project.name, "project": project, "rules": rules, "milestones": milestones,
        "reports": reports, "missing": selectors.missing_reports(project, rules, today),
        "replans": selectors.milestone_replans(project),
        "stage_changes": stage_history(project, limit=20),
        "approvals": approvals, "spans": spans, "stats": getattr(project, "stats", None),
        "co_units": project.co_units.all(), "stage_form": bootstrap(stage_form),
        "can_edit": may_act_on(Actor(person=user), "project.edit", project),
        "can_stage": may_act_on(Actor(person=user), "project.stage", project),
        "can_report": may_act_on(Actor(person=user), "project.report", project),
        "can_review": may_act_on(Actor(person=user), "project.review", project),
        "can_replan": may_act_on(Actor(person=user), "project.replan", project),
        "can_approve": may_act_on(Actor(person=user), "project.approval", project),
    }, status=status)


@require_POST
@login_required
def project_stage(request, pk):
    """Change the stage; on an error the project page comes back with the form as filled in and the error
    beside its field (never a redirect that loses the choice)."""
    project = get_or_404(selectors.project_get, user=request.user, pk=pk, action="project.stage")
    form = StageForm(request.POST, project=project)
    if form.is_valid():
        data = form.cleaned_data
        done = run_on_form(form, lambda: services.project_change_stage(
            actor=Actor.from_request(request), project=project, to_stage=data["to_stage"], reason=data["reason"],
            effective_on=data["effective_on"]))
        if done:
            messages.success(request, f"阶段已变更为“{Stage(data['to_stage']).label}”。")
            return redirect(project)
    return project_detail(request, pk, stage_form=form, status=400)


@login_required
def milestones(request, pk):
    """The milestone plan: completion dates, plan adjustments (a request the project office approves) and,
    for the project office, the pending requests. A refused row comes back as filled in, errors beside it."""
    project = get_or_404(selectors.project_get, user=request.user, pk=pk, action="project.edit")
    actor = Actor.from_request(request)
    template_form = bootstrap(TemplateForm(request.POST if "apply_template" in request.POST else None))
    add_form = bootstrap(MilestoneAddForm(request.POST if "add" in request.POST else None))
    update_form = MilestoneUpdateForm(request.POST if "update" in request.POST else None)
    decide_form = ReplanDecisionForm(request.POST if "decide" in request.POST else None)
    done = None
    if "apply_template" in request.POST and template_form.is_valid():
        done = run_on_form(template_form, lambda: services.milestones_from_template(
            actor=actor, project=project, template=template_form.cleaned_data["template"]))
    elif "add" in request.POST and add_form.is_valid():
        done = run_on_form(add_form, lambda: services.milestone_add(
            actor=actor, project=project, **add_form.cleaned_data))
    elif "update" in request.POST and update_form.is_valid():
        data = update_form.cleaned_data
        milestone = project.milestones.filter(pk=data["milestone"]).first()
        if milestone:
            done = run_on_form(update_form, lambda: services.milestone_update(
                actor=actor, milestone=milestone, planned_date=data["planned_date"],
                actual_date=data["actual_date"], reason=data["reason"]))
    elif "decide" in request.POST and decide_form.is_valid():
        data = decide_form.cleaned_data
        replan = MilestoneReplan.objects.filter(milestone__project=project, pk=data["replan"]).first()
        if replan:
            done = run_on_form(decide_form, lambda: services.milestone_replan_decide(
                actor=actor, replan=replan, approve=data["decision"] == "approve", comment=data["comment"]))
    if done:
        pending = MilestoneReplan.objects.filter(milestone__project=project, status=ReplanStatus.PENDING).exists()
        messages.success(request, "节点已保存。" + ("计划调整已提交，待项目办审批。" if pending else ""))
        return redirect("projects:milestones", pk=pk)
    rows = list(Milestone.objects.filter(project=project).order_by("seq"))
    failed = update_form.data.get("milestone") if update_form.is_bound else None
    pending = {replan.milestone_id: replan for replan in MilestoneReplan.objects.filter(
        milestone__project=project, status=ReplanStatus.PENDING).select_related("proposed_by")}
    for row in rows:
        row.form = update_form if failed == str(row.pk) else None
        row.pending = pending.get(row.pk)
    return render(request, "projects/milestones.html", {
        "title": f"节点计划：{project.name}", "project": project, "milestones": rows,
        "template_form": template_form, "add_form": add_form, "decide_form": decide_form,
        "can_replan": services.may_replan(actor, project)}, status=400 if request.method == "POST" else 200)


@login_required
def approvals(request, pk):
    project = get_or_404(selectors.project_get, user=request.user, pk=pk, action="project.approval")
    departments = unit_list(user=request.user).filter(kind=UnitKind.DEPARTMENT)
    form = bootstrap(ApprovalForm(request.POST or None, departments=departments))
    if request.method == "POST" and form.is_valid():
        item_id = request.POST.get("item")
        item = ApprovalItem.objects.filter(project=project, pk=item_id).first() if item_id else None
        saved = run_on_form(form, lambda: services.approval_save(actor=Actor.from_request(request), project=project,
                                                          item=item, **form.cleaned_data))
        if saved:
            messages.success(request, "审批事项已保存。")
            return redirect(project)
    return render(request, "core/form.html", {"form": form, "title": f"登记审批事项：{project.name}",
                                              "cancel_url": project.get_absolute_url()})


@login_required
def stats_edit(request, pk):
    project = get_or_404(selectors.project_get, user=request.user, pk=pk, action="project.edit")
    stats = getattr(project, "stats", None)
    initial = {"planned_year": timezone.localdate().year, "planned_quarter": 1}
    if stats:
        initial = {"planned_year": stats.planned_year, "planned_quarter": stats.planned_quarter,
                   "status": stats.status, "included_on": stats.included_on, "note": stats.note,
                   **{f"doc_{i}": stats.documents.get(name) for i, name in enumerate(STATS_DOCUMENTS)}}
    form = bootstrap(StatsForm(request.POST or None, initial=initial, statuses=StatsStatus.choices,
                               documents=STATS_DOCUMENTS))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_on_form(form, lambda: services.stats_inclusion_save(
            actor=Actor.from_request(request), project=project, planned_year=data["planned_year"],
            planned_quarter=data["planned_quarter"], status=data["status"], documents=form.documents(),
            included_on=data["included_on"], note=data["note"]))
        if saved:
            messages.success(request, "入库纳统信息已保存。")
            return redirect(project)
    return render(request, "core/form.html", {"form": form, "title": f"入库纳统：{project.name}",
                                              "cancel_url": project.get_absolute_url()})


@login_required
def stats_overview(request):
    require_permission(request.user, "project.view")
    year = year_param(request, timezone.localdate().year)
    rules = ProjectRules.current()
    return render(request, "projects/stats.html", {
        "title": f"{year}年入库纳统", "year": year, "progress": selectors.stats_progress(user=request.user, year=year),
        "targets": selectors.stats_targets(user=request.user, year=year),
        "rows": selectors.stats_rows(user=request.user, year=year), "documents": STATS_DOCUMENTS,
        "candidates": selectors.stats_candidates(user=request.user)[:100],
        "threshold": format_wan(rules.stats_threshold)})
