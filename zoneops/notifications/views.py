"""站内消息 (inbox): the person's own messages; open one to mark it read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from zoneops.audit.context import Actor
from zoneops.core.http import get_or_404
from zoneops.notifications import selectors, services
from zoneops.notifications.models import Delivery, Robot
from zoneops.org.scope import require_permission

LIST_LENGTH = 200


@login_required
@require_GET
def inbox(request):
    rows = list(selectors.inbox(user=request.user)[:LIST_LENGTH])
    return render(request, "notifications/inbox.html", {"title": "消息", "rows": rows})


@login_required
@require_POST
def read(request, pk):
    row = get_or_404(lambda **kw: selectors.inbox(user=request.user).get(**kw), pk=pk)
    services.mark_read(actor=Actor.from_request(request), notification=row)
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts={request.get_host()}):
        return redirect(row.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_read(actor=Actor.from_request(request), everything=True)
    return redirect("notifications:inbox")


@login_required
@require_GET
def robot_deliveries(request):
    """群机器人发送记录: the robots of the units the admin manages, with failures and their last error."""
    require_permission(request.user, "unit.manage")
    robots = Robot.objects.restrict(request.user, "unit.manage").select_related("unit")
    deliveries = (Delivery.objects.filter(robot__in=robots).select_related("robot", "robot__unit")
                  .order_by("-created_at")[:LIST_LENGTH])
    return render(request, "notifications/robots.html", {"title": "群机器人", "robots": list(robots),
                                                         "deliveries": list(deliveries)})
