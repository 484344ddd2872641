"""The searchable pickers' endpoints (choices from ``projects.pickers``)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from zoneops.projects.pickers import (
    LIMIT,
    MAX_QUERY,
    UNIT_ACTIONS,
    industry_choices,
    industry_label,
    person_choices,
    unit_choices,
)


def _query(request):
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


def _answer(rows):
    return JsonResponse({"results": rows})


@login_required
@require_GET
def pick_units(request):
    action = request.GET.get("action") if request.GET.get("action") in UNIT_ACTIONS else "project.view"
    units = unit_choices(user=request.user, q=_query(request), action=action)[:LIMIT]
    return _answer([{"value": unit.pk, "text": unit.name,
                     "detail": f"{unit.parent.name} · {unit.code}" if unit.parent else unit.code} for unit in units])


@login_required
@require_GET
def pick_people(request):
    people = person_choices(user=request.user, q=_query(request), led=request.GET.get("led") == "1")[:LIMIT]
    return _answer([{"value": person.pk, "text": person.name,
                     "detail": " · ".join(filter(None, [person.unit.name, person.title]))} for person in people])


@login_required
@require_GET
def pick_industries(request):
    codes = industry_choices(q=_query(request), level=request.GET.get("level", ""))[:LIMIT]
    return _answer([{"value": code.code, "text": industry_label(code),
                     "detail": code.get_level_display()} for code in codes])
