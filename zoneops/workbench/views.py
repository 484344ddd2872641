"""工作台: what waits for me, from every module's provider (zoneops.core.workbench)."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zoneops.core import workbench
from zoneops.org.scope import has_permission, user_grants

# Leaders (who approve 销号 across units) land on the overview, and so does someone without any role yet
# (the home page tells them so); everyone else on the workbench.
LEADER_PERMISSION = "problem.close"


@login_required
@require_GET
def landing(request):
    """The first page after sign-in."""
    if has_permission(request.user, LEADER_PERMISSION) or not user_grants(request.user):
        return redirect("dashboards:home")
    return redirect("workbench:index")


@login_required
@require_GET
def index(request):
    items = workbench.items_for(request.user)
    modules = [(module, list(rows)) for module, rows in groupby(sorted(items, key=lambda i: i.module),
                                                                 key=lambda i: i.module)]
    counts = {"overdue": sum(1 for i in items if i.urgency == workbench.Urgency.OVERDUE),
              "due": sum(1 for i in items if i.urgency == workbench.Urgency.DUE), "all": len(items)}
    return render(request, "workbench/index.html", {"title": "工作台", "items": items, "modules": modules,
                                                    "counts": counts})
