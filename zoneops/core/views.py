from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from zoneops.core.models import CalendarDay
from zoneops.org.scope import has_permission


def healthz(request):
    """200 with {"status": "ok"} while the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def calendar_view(request):
    if not has_permission(request.user, "unit.view"):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year", date.today().year))
    except ValueError:
        year = date.today().year
    days = CalendarDay.objects.filter(date__year=year)
    return render(request, "core/calendar.html", {"title": f"{year}年工作日历", "days": days, "year": year})
