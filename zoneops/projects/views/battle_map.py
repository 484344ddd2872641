"""挂图作战图 battle map pages: the projects as a Gantt of milestones with red/black flags, laid out once
(gantt.py) and drawn as SVG for the screen and the browser's print, and straight into the A3 PDF
(battle_map_pdf.py), so that all three show the same chart."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from zoneops.audit.context import Actor
from zoneops.audit.services import audit_record
from zoneops.core.forms import bootstrap
from zoneops.org.scope import has_permission
from zoneops.projects import selectors
from zoneops.projects.battle_map_pdf import render_battle_map
from zoneops.projects.filtersets import BattleMapFilterSet, project_filterset
from zoneops.projects.gantt import build_chart, zh_date

PERMISSION = "project.view"


def _chart_context(request):
    if not has_permission(request.user, PERMISSION):
        raise PermissionDenied
    today = timezone.localdate()
    filterset = project_filterset(request.GET, user=request.user, today=today, filterset_class=BattleMapFilterSet)
    start, end = filterset.months()
    # One row more than shown tells whether the list was cut.
    projects = selectors.battle_map_rows(queryset=filterset.qs, limit=selectors.BATTLE_MAP_LIMIT + 1, today=today)
    truncated = len(projects) > selectors.BATTLE_MAP_LIMIT
    projects = projects[:selectors.BATTLE_MAP_LIMIT]
    return {
        "title": "挂图作战",
        "sheet_title": f"重点项目挂图作战图（{zh_date(today)}）",
        "form": bootstrap(filterset.form),
        "chart": build_chart(projects, today, start=start, end=end),
        "truncated": truncated,
        "limit": selectors.BATTLE_MAP_LIMIT,
        "filters_text": filterset.describe(),
        "query": request.GET.urlencode(),
    }


@login_required
@require_GET
def battle_map(request):
    return render(request, "projects/battle_map.html", _chart_context(request))


def _subtitle(context):
    outside = context["chart"].outside
    text = context["filters_text"] or "全部在库项目"
    return f"{text}；另有{outside}个节点在图示月份之外（已计入合计）" if outside else text


@login_required
@require_GET
def battle_map_pdf(request):
    """The same chart on A3 landscape sheets for the meeting-room wall (挂图)."""
    context = _chart_context(request)
    now = timezone.localtime()
    pdf = render_battle_map(
        context["chart"], title=context["sheet_title"], subtitle=_subtitle(context),
        truncated_to=context["limit"] if context["truncated"] else None,
        footer=f"ZoneOps 开发区招商与项目建设指挥平台 · {request.user.unit.name} · {request.user.name} "
               f"导出于 {now.year}年{now.month}月{now.day}日 {now:%H:%M}")
    chart = context["chart"]
    audit_record(Actor.from_request(request), "export", ("projects.battle_map", "", "挂图作战图"),
                 detail=f"导出A3 PDF，{chart.projects}个项目，{len(chart.sheets)}页。"
                        f"{context['filters_text'] or '全部项目'}；{context['query']}"[:500])
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{context['sheet_title']}.pdf"
    ascii_name = f"battle-map-{chart.today:%Y%m%d}.pdf"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response
