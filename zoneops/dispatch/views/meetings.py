"""调度会 pages: list, create, the meeting page with agenda, attendance and decisions, holding it and its
minutes (generated in the worker, downloaded through the organising unit's scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404
from zoneops.core.listing import Column, Table, list_response
from zoneops.dispatch import selectors, services
from zoneops.dispatch.choices import AgendaKind, DecisionKind, MeetingStatus
from zoneops.dispatch.forms import (
    AgendaAddForm,
    AttendanceFormSet,
    DecisionForm,
    HoldForm,
    MeetingFilterForm,
    MeetingForm,
    tree_order,
)
from zoneops.dispatch.views.common import _actor, _people, _refused, _units
from zoneops.org.models import Unit
from zoneops.org.scope import has_permission, may_act_on, require_permission

MEETING_TABLE = Table(columns=[
    Column("会议名称", "title", sort="title", css="zo-col-name"),
    Column("会议类型", "get_kind_display", sort="kind"),
    Column("组织单位", "unit.name", sort="unit__path"),
    Column("会议日期", "held_on", sort="held_on", css="text-nowrap"),
    Column("地点", "place"),
    Column("主持人", "chair.name"),
    Column("状态", "get_status_display", sort="status"),
], default_sort="-held_on")


# --- 调度会 ------------------------------------------------------------------------------------------------------

def _decorate_meetings(meetings):
    for meeting in meetings:
        meeting.get_absolute_url = reverse("dispatch:meeting_detail", args=[meeting.pk])
    return meetings


@login_required
@require_GET
def meeting_list(request):
    require_permission(request.user, "meeting.view")
    form = bootstrap(MeetingFilterForm(request.GET or None))
    return list_response(request, queryset=form.filter(selectors.meeting_list(user=request.user)),
                         table=MEETING_TABLE, title="调度会", filter_form=form, template="dispatch/meeting_list.html",
                         prepare=_decorate_meetings,
                         context={"can_manage": has_permission(request.user, "meeting.manage")})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_permission(request.user, "meeting.manage")
    units = list(Unit.objects.restrict(request.user, "meeting.manage").filter(is_active=True).order_by("path"))
    initial = {"held_on": timezone.localdate(), "unit": request.user.unit_id}
    form = bootstrap(MeetingForm(request.POST or None, units=units, people=_people(request.user, units),
                                 initial=initial))
    if request.method == "POST" and form.is_valid():
        meeting = run_on_form(form, lambda: services.meeting_create(actor=_actor(request), **form.cleaned_data))
        if meeting:
            messages.success(request, f"已新建“{meeting.title}”，议程已按当前数据生成（{meeting.agenda.count()}项）。")
            return redirect("dispatch:meeting_detail", meeting.pk)
    return render(request, "core/form.html", {"title": "新建调度会", "form": form,
                                              "cancel_url": reverse("dispatch:meeting_list")},
                  status=400 if form.is_bound and form.errors else 200)


def _agenda_groups(items):
    """[(kind label, [items])] in agenda order."""
    labels = dict(AgendaKind.choices)
    groups = {}
    for item in items:
        groups.setdefault(item.kind, []).append(item)
    return [(labels.get(kind, kind), groups[kind]) for kind in AgendaKind.values if kind in groups]


def _decision_form(item, units, data=None):
    is_problem = item is not None and item.problem_id is not None
    initial = {"kind": DecisionKind.PROBLEM if is_problem else DecisionKind.TASK,
               "owner_unit": item.unit_id if item is not None else None}
    return bootstrap(DecisionForm(data, prefix=f"item{item.pk}" if item else "free", units=units,
                                  for_problem=is_problem, initial=initial))


def _attendance_formset(meeting, user, units, agenda, data=None):
    rows = [{"unit": row.unit_id, "present": row.present, "note": row.note}
            for row in meeting.attendees.all()]
    if not rows:  # first time: the units the agenda concerns, in the order of the tree
        concerned = {item.unit_id for item in agenda if item.unit_id}
        rows = [{"unit": unit.pk, "present": True} for unit in sorted(units, key=tree_order) if unit.pk in concerned]
    formset = AttendanceFormSet(data, prefix="att", initial=rows, form_kwargs={"units": units})
    for form in formset:
        bootstrap(form)
    return formset


def _meeting_page(request, meeting, *, bound=None, status=200):
    """The meeting page; ``bound`` holds a refused form by name (or ("decision", item pk) → form)."""
    bound = bound or {}
    user, actor = request.user, _actor(request)
    can_manage = may_act_on(actor, "meeting.manage", meeting.unit)
    agenda = selectors.agenda_for(meeting, user=user)
    decisions = selectors.decisions_for(meeting, user=user)
    context = {"title": meeting.title, "meeting": meeting, "groups": _agenda_groups(agenda), "agenda": agenda,
               "decisions": decisions, "can_manage": can_manage, "planned": meeting.status == MeetingStatus.PLANNED,
               "attendees": selectors.attendees_for(meeting, user=user),
               "minutes": selectors.minutes_state(meeting),
               "may_download": may_act_on(actor, "meeting.view", meeting.unit)}
    if not can_manage:  # a refusal of a form this page does not show to them
        for form in bound.values():
            for error in getattr(form, "non_field_errors", list)():
                messages.error(request, error)
    if can_manage:
        units = _units(user)
        visible = list(Unit.objects.restrict(user, "unit.view").filter(is_active=True).order_by("path"))
        for item in agenda:
            item.decision_form = bound.get(("decision", item.pk)) or _decision_form(item, units)
        context.update({
            "free_form": bound.get(("decision", None)) or _decision_form(None, units),
            "add_form": bound.get("add") or bootstrap(AgendaAddForm(units=visible)),
            "attendance": bound.get("attendance") or _attendance_formset(meeting, user, visible, agenda),
            "hold_form": bound.get("hold") or bootstrap(HoldForm(initial={"summary": meeting.summary}))})
    return render(request, "dispatch/meeting_detail.html", context, status=status)


def _meeting(request, pk):
    return get_or_404(selectors.meeting_get, user=request.user, pk=pk)


def _back(meeting, anchor=""):
    return redirect(reverse("dispatch:meeting_detail", args=[meeting.pk]) + anchor)


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    if request.htmx and request.htmx.target == "minutes":  # the minutes card polling while they are written
        actor = _actor(request)
        return render(request, "dispatch/meeting_detail.html#minutes", {
            "meeting": meeting, "minutes": selectors.minutes_state(meeting),
            "can_manage": may_act_on(actor, "meeting.manage", meeting.unit),
            "may_download": may_act_on(actor, "meeting.view", meeting.unit)})
    return _meeting_page(request, meeting)


@login_required
@require_POST
def meeting_agenda_refresh(request, pk):
    meeting = _meeting(request, pk)
    try:
        count = services.agenda_refresh(actor=_actor(request), meeting=meeting)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, f"议程已按当前数据更新（{count}项，手工添加的议题保留）。")
    return _back(meeting, "#agenda")


@login_required
@require_POST
def meeting_agenda_add(request, pk):
    meeting = _meeting(request, pk)
    visible = list(Unit.objects.restrict(request.user, "unit.view").filter(is_active=True).order_by("path"))
    form = bootstrap(AgendaAddForm(request.POST, units=visible))
    if form.is_valid() and run_on_form(form, lambda: services.agenda_add(actor=_actor(request), meeting=meeting,
                                                                         **form.cleaned_data)):
        messages.success(request, "已添加议题。")
        return _back(meeting, "#agenda")
    return _meeting_page(request, meeting, bound={"add": form}, status=400)


@login_required
@require_POST
def meeting_attendance(request, pk):
    meeting = _meeting(request, pk)
    visible = list(Unit.objects.restrict(request.user, "unit.view").filter(is_active=True).order_by("path"))
    formset = _attendance_formset(meeting, request.user, visible, [], data=request.POST)
    if formset.is_valid():
        rows = [{"unit": form.cleaned_data["unit"], "present": form.cleaned_data["present"],
                 "note": form.cleaned_data["note"]} for form in formset if form.cleaned_data.get("unit")]
        try:
            services.attendance_save(actor=_actor(request), meeting=meeting, rows=rows)
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        else:
            present = sum(1 for row in rows if row["present"])
            messages.success(request, f"已保存出席情况（{present}/{len(rows)}个单位出席）。")
            return _back(meeting, "#attendance")
    return _meeting_page(request, meeting, bound={"attendance": formset}, status=400)


@login_required
@require_POST
def meeting_decision(request, pk):
    meeting = _meeting(request, pk)
    item = None
    if request.POST.get("item"):
        item = next((row for row in selectors.agenda_for(meeting, user=request.user)
                     if str(row.pk) == request.POST["item"]), None)
        if item is None:
            messages.error(request, "该议题不存在或不属于本次会议。")
            return _back(meeting, "#agenda")
    form = _decision_form(item, _units(request.user), data=request.POST)
    if form.is_valid() and run_on_form(form, lambda: services.decision_record(
            actor=_actor(request), meeting=meeting, agenda_item=item, **form.cleaned_data)):
        kind = form.cleaned_data["kind"]
        messages.success(request, "已记录决定，并形成督办事项。" if kind == DecisionKind.TASK
                         else "已记录决定，并写入问题的办理动态。")
        return _back(meeting, "#decisions")
    return _meeting_page(request, meeting, bound={("decision", item.pk if item else None): form}, status=400)


@login_required
@require_POST
def meeting_hold(request, pk):
    meeting = _meeting(request, pk)
    form = bootstrap(HoldForm(request.POST))
    if not form.is_valid():
        return _meeting_page(request, meeting, bound={"hold": form}, status=400)
    try:
        services.meeting_hold(actor=_actor(request), meeting=meeting, summary=form.cleaned_data["summary"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return _back(meeting)
    messages.success(request, "会议已召开，纪要正在后台生成。")
    return _back(meeting, "#minutes")


@login_required
@require_POST
def meeting_minutes_request(request, pk):
    meeting = _meeting(request, pk)
    if meeting.status != MeetingStatus.HELD:
        messages.error(request, "会议召开后才能生成纪要。")
        return _back(meeting)
    try:
        services.minutes_request(actor=_actor(request), meeting=meeting)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, "已重新生成纪要，完成后可在此下载。")
    return _back(meeting, "#minutes")


@login_required
@require_GET
def meeting_minutes_download(request, pk, fmt):
    """The stored minutes, for people whose meeting.view reaches the organising unit (an attending unit sees
    its own agenda items on the page, not the whole minutes). Audited."""
    meeting = _meeting(request, pk)
    actor = _actor(request)
    stored = {"docx": meeting.minutes_docx, "pdf": meeting.minutes_pdf}.get(fmt)
    if not stored or not may_act_on(actor, "meeting.view", meeting.unit):
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    with transaction.atomic():
        audit_record(actor, "meeting.minutes_download", meeting, detail=f"下载会议纪要（{fmt}）")
    name = "".join(ch for ch in meeting.title if ch not in '/\\:*?"<>|') or "调度会"
    return FileResponse(handle, as_attachment=True,
                        filename=f"{name}-会议纪要-{date_format(meeting.held_on, 'Ymd')}.{fmt}")
