"""Progress report pages: filing (with photos), the overview of late and missing reports, review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zoneops.audit.context import Actor
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404, safe_next
from zoneops.core.listing import Column, Table, list_response
from zoneops.core.money import format_wan
from zoneops.org.scope import has_permission, require_permission
from zoneops.projects import selectors, services
from zoneops.projects.choices import ReportStatus
from zoneops.projects.filtersets import ReportFilterSet
from zoneops.projects.forms import BatchReviewForm, ReportForm, ReviewForm
from zoneops.projects.models import ProgressReport, ReportPhoto


@login_required
def report_submit(request, pk):
    """File a new report, or (``?period=2026-10``) change the one filed for that period.

    The form carries the version of the report the filer started from, so a second filing for the
    same period, or an edit of a report someone changed meanwhile, is a conflict, never an overwrite.
    """
    project = get_or_404(selectors.project_get, user=request.user, pk=pk, action="project.report")
    rules = selectors.rules_for(project)
    today = timezone.localdate()
    periods = services.fileable_periods(project, rules, today)
    filed = dict(ProgressReport.objects.filter(project=project).values_list("period_key", "status"))
    editing = None
    period_key = request.GET.get("period", "")[:12]
    if not period_key and request.method == "GET":  # default: the period whose fill-in window is open
        period_key = services.open_report_period(rules, today).key
    if period_key in filed:
        editing = (ProgressReport.objects.filter(project=project, period_key=period_key)
                   .exclude(status=ReportStatus.ACCEPTED).first())
    # A period already filed is changed only through its own 修改 (the earlier version is kept), never
    # re-filed from the list: the list offers the periods not filed yet. A posted one filed meanwhile
    # is the service's to refuse as a conflict.
    offered = periods if request.method == "POST" else [
        p for p in periods if p.key not in filed or (editing and p.key == editing.period_key)]
    initial = {"period_key": period_key} if period_key and not editing else None
    form = bootstrap(ReportForm(request.POST or None, request.FILES or None, periods=offered, editing=editing,
                                initial=initial))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = run_on_form(form, lambda: services.progress_report_submit(
            actor=Actor.from_request(request), project=project, period_key=data["period_key"],
            invested=data["invested"], progress_text=data["progress_text"], percent=data["percent"],
            workers=data["workers"], photos=data["photos"], expected_version=data.get("version")))
        if report:
            note = "（补录）" if report.is_backfill else "（逾期填报）" if report.is_late else ""
            messages.success(request, f"已提交{report.period_key}进度{note}。")
            return redirect(project)
    title = f"修改{editing.period_key}进度填报：{project.name}" if editing else f"进度填报：{project.name}"
    return render(request, "projects/report_form.html", {
        "form": form, "project": project, "editing": editing, "title": title,
        "history": editing.revisions.select_related("submitted_by", "replaced_by") if editing else ()})


@login_required
def report_photo(request, pk):
    """A site photo, served only to people whose scope reaches its project (photos are not public)."""
    photo = get_or_404(ReportPhoto.objects.restrict(request.user, "project.view").get, pk=pk)
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


REPORT_TABLE = Table(columns=[
    Column("项目", "project.name", sort="project__name", css="zo-col-name"),
    Column("责任单位", "project.responsible_unit.name", sort="project__responsible_unit__path"),
    Column("期间", "period_key", sort="period_start"),
    Column("本期（万元）", "invested_wan", sort="invested", css="text-end"),
    Column("进度（%）", "percent", sort="percent", css="text-end"),
    Column("提交时间", "submitted_on", sort="submitted_at"),
    Column("填报人", "submitted_by.name"),
    Column("状态", "status_label", sort="status"),
    Column("审核意见", "review_comment"),
], default_sort="-submitted_at")


def _report_cells(reports):
    for report in reports:
        report.invested_wan = format_wan(report.invested)
        report.submitted_on = timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
        marks = "（补录）" if report.is_backfill else "（逾期）" if report.is_late else ""
        report.status_label = report.get_status_display() + marks
        report.get_absolute_url = report.project.get_absolute_url


@login_required
def report_list(request):
    """Every report the user may see, filtered by status, period and lateness, paged (no cap)."""
    require_permission(request.user, "project.view")
    filterset = ReportFilterSet(request.GET or None, queryset=selectors.report_rows(user=request.user))
    return list_response(request, queryset=filterset.qs, table=REPORT_TABLE, title="进度填报",
                         template="projects/reports.html", filter_form=bootstrap(filterset.form),
                         export_name="进度填报", prepare=_report_cells, context={
                             "missing": selectors.projects_missing_reports(user=request.user),
                             "can_review": has_permission(request.user, "project.review")})


@login_required
def report_queue(request):
    """我的填报 (a filer's queue): 本期应报, 未报, 被退回, each with one tap to file or change."""
    require_permission(request.user, "project.report")
    queue = selectors.report_queue(user=request.user)
    return render(request, "projects/report_queue.html", {"title": "我的填报", **queue})


@login_required
def review_queue(request):
    """待审核 (the project office's queue): submitted reports, passed or returned in batches."""
    require_permission(request.user, "project.review")
    form = BatchReviewForm(request.POST or None)
    queryset = selectors.review_queue(user=request.user)
    if period := request.GET.get("period", "").strip()[:12]:
        queryset = queryset.filter(period_key=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(queryset.filter(pk__in=data["reports"]))
        if len(chosen) != len(set(data["reports"])):
            form.add_error(None, "所选填报中有已审核或无权审核的，请刷新后重试。")
        else:
            done = run_on_form(form, lambda: services.progress_report_review_batch(
                actor=Actor.from_request(request), reports=chosen, accept=data["decision"] == "accept",
                comment=data["comment"]))
            if done:
                verb = "审核通过" if data["decision"] == "accept" else "退回"
                messages.success(request, f"已{verb}{len(done)}份填报。")
                return redirect(request.get_full_path())
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    _report_cells(page.object_list)
    return render(request, "projects/review_queue.html", {
        "title": "待审核", "page": page, "form": form, "period": period,
        "replans": selectors.pending_replans(user=request.user),
        "chosen": {str(pk) for pk in request.POST.getlist("reports")}}, status=400 if form.errors else 200)


@require_POST
@login_required
def report_review(request, pk):
    report = get_or_404(lambda **kw: selectors.report_rows(user=request.user).get(**kw), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.progress_report_review(actor=Actor.from_request(request), report=report,
                                            accept=form.cleaned_data["decision"] == "accept",
                                            comment=form.cleaned_data["comment"])
            messages.success(request, "审核意见已保存。")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    return redirect(safe_next(request, "projects:reports"))
