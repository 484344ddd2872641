from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from zoneops.audit.context import Actor
from zoneops.audit.selectors import audit_entries
from zoneops.audit.services import audit_record
from zoneops.core.forms import bootstrap
from zoneops.core.listing import Column, Table, list_response
from zoneops.org.scope import has_permission

TABLE = Table(columns=[
    Column("时间", "at", sort="at"),
    Column("操作人", "actor_name"),
    Column("IP", "ip"),
    Column("操作", "action", sort="action"),
    Column("对象", "object_repr"),
    Column("结果", "get_result_display", sort="result"),
    Column("变更/说明", "summary"),
], default_sort="-at")


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="操作", required=False, max_length=60,
                             widget=forms.TextInput(attrs={"type": "search", "placeholder": "如 auth.login"}))
    actor = forms.CharField(label="操作人", required=False, max_length=50,
                            widget=forms.TextInput(attrs={"type": "search"}))
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def entry_list(request):
    """The auditor's view. Reading the log is itself audited."""
    if not has_permission(request.user, "audit.view"):
        raise PermissionDenied  # audited as http.forbidden by AuditRequestMiddleware
    form = bootstrap(AuditFilterForm(request.GET or None))
    filters = form.cleaned_data if form.is_valid() else {}
    # Every read is audited, htmx fragments (sorting, paging, filtering) included.
    audit_record(Actor.from_request(request), "audit.view", detail=request.GET.urlencode()[:500])
    return list_response(request, queryset=audit_entries(**filters), table=TABLE, title="审计日志",
                         filter_form=form, export_name="审计日志")
