"""The official working-day calendar: everyone with unit.view reads it, system admins edit it."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from zoneops.audit.context import Actor
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import year_param
from zoneops.core.models import CalendarDay
from zoneops.core.services import calendar_day_delete, calendar_day_save
from zoneops.org.scope import has_permission, require_permission


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices)
    name = forms.CharField(label="名称", max_length=50, required=False)


@login_required
def calendar_view(request):
    """The official calendar of a year; system admins add, change or remove holidays and make-up days."""
    require_permission(request.user, "unit.view")
    can_edit = has_permission(request.user, "calendar.manage")
    year = year_param(request, date.today().year)
    form = bootstrap(CalendarDayForm(request.POST if request.method == "POST" and "save" in request.POST else None))
    if request.method == "POST":
        require_permission(request.user, "calendar.manage")
        actor = Actor.from_request(request)
        if "delete" in request.POST:
            day = CalendarDay.objects.filter(pk=request.POST.get("delete")).first()
            if day:
                calendar_day_delete(actor=actor, day=day)
                messages.success(request, f"{day.date:%Y-%m-%d} 已恢复为普通日期。")
            return redirect(f"{request.path}?year={year}")
        if form.is_valid() and run_on_form(form, lambda: calendar_day_save(actor=actor, **form.cleaned_data)):
            messages.success(request, "工作日历已保存。")
            return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    days = CalendarDay.objects.filter(date__year=year)
    return render(request, "org/calendar.html", {"title": f"{year}年工作日历", "days": days, "year": year,
                                                  "form": form, "can_edit": can_edit})
