"""The project module's items on the workbench (registered in ProjectsConfig.ready): reports to file
this period, periods missed, reports returned, reports waiting for my review."""

from django.db.models import Q
from django.urls import reverse

from zoneops.core.periods import period_containing, window_closes
from zoneops.core.workbench import Urgency, WorkItem
from zoneops.org.scope import has_permission
from zoneops.projects.choices import REPORTING_STAGES, ReportStatus
from zoneops.projects.models import ProgressReport, Project, ProjectRules
from zoneops.projects.selectors import missing_reports

MODULE = "项目建设"
LIMIT = 50


def project_items(user, today):
    items = []
    if has_permission(user, "project.report"):
        items += _to_file(user, today)
        returned = (ProgressReport.objects.restrict(user, "project.report")
                    .filter(Q(submitted_by=user) | Q(project__responsible_unit=user.unit_id),
                            status=ReportStatus.RETURNED).select_related("project")[:LIMIT])
        items += [WorkItem(MODULE, "report_returned", "填报被退回", report.project.name,
                           reverse("projects:report_submit", args=[report.project_id]), Urgency.OVERDUE, None,
                           f"{report.period_key}：{report.review_comment}", "重新填报") for report in returned]
    if has_permission(user, "project.review"):
        waiting = (ProgressReport.objects.restrict(user, "project.review").filter(status=ReportStatus.SUBMITTED)
                   .select_related("project").order_by("submitted_at")[:LIMIT])
        items += [WorkItem(MODULE, "report_review", "待审核", report.project.name,
                           reverse("projects:detail", args=[report.project_id]), Urgency.DUE, None,
                           f"{report.period_key} 填报待审核", "审核") for report in waiting]
    return items


def _to_file(user, today):
    """My unit's (or my own) projects whose current period is open for filing and not filed, or missed."""
    book = ProjectRules.book()
    mine = (Project.objects.restrict(user, "project.report")
            .filter(Q(responsible_unit=user.unit_id) | Q(commissioner=user), stage__in=REPORTING_STAGES)
            .select_related("responsible_unit")[:LIMIT])
    items = []
    for project in mine:
        rules = book.for_path(project.responsible_unit.path)
        url = reverse("projects:report_submit", args=[project.pk])
        missed = missing_reports(project, rules, today)
        if missed:
            items.append(WorkItem(MODULE, "report_missing", "缺报", project.name, url, Urgency.OVERDUE, None,
                                  f"缺报{len(missed)}期", "补报"))
            continue
        period = period_containing(rules.report_frequency, today).previous()
        closes = window_closes(period, rules.report_window_days)
        if today <= closes and not project.reports.filter(period_key=period.key).exists():
            items.append(WorkItem(MODULE, "report_due", "本期待报", project.name, url, Urgency.DUE, closes,
                                  f"{period.label}进度，{closes:%m月%d日}前填报", "填报"))
    return items
