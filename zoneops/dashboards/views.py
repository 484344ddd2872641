"""The home page: headline figures of every module the user may see, and the way into each."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zoneops.core.money import format_money
from zoneops.org.scope import has_permission
from zoneops.org.selectors import person_list, unit_list
from zoneops.projects.selectors import headline_figures


@login_required
def home(request):
    user = request.user
    stats = []
    if has_permission(user, "project.view"):
        figures = headline_figures(user=user)
        stats += [
            {"label": "重点项目", "value": figures["projects"], "icon": "kanban"},
            {"label": "开工在建", "value": figures["building"], "icon": "cone-striped"},
            {"label": "总投资", "value": format_money(figures["total_investment"]), "icon": "cash-stack"},
            {"label": "本年计划投资", "value": format_money(figures["year_plan"]), "icon": "graph-up-arrow"},
        ]
    stats += [
        {"label": "可见单位", "value": unit_list(user=user).count(), "icon": "diagram-3"},
        {"label": "可见人员", "value": person_list(user=user).count(), "icon": "people"},
    ]
    return render(request, "dashboards/home.html", {"title": "首页", "stats": stats})
