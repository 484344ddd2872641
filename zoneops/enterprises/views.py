"""Pages of the enterprise registry (企业库). Thin: parse, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.core import hooks
from zoneops.core.export import xlsx_response
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404
from zoneops.core.listing import Column, Table, list_response
from zoneops.enterprises import selectors, services
from zoneops.enterprises.filtersets import enterprise_filterset
from zoneops.enterprises.forms import EnterpriseForm, initial_for
from zoneops.org.scope import has_permission, may_act_on, require_permission
from zoneops.org.selectors import unit_list

TABLE = Table(columns=[
    Column("企业名称", "name", sort="name", css="zo-col-name"),
    Column("统一社会信用代码", "uscc", sort="uscc", css="text-nowrap"),
    Column("总部所在地", "region.name", sort="region_id"),
    Column("所属行业", "industry", sort="industry_id"),
    Column("企业标签", "flags_text"),
    Column("联系人", "contacts_text"),
    Column("登记单位", "unit.name", sort="unit__path"),
], default_sort="name")
EXPORT_LIMIT = 50_000


def _decorate(user, enterprises):
    """Flags and contacts as text, phones masked where the user lacks enterprise.contact."""
    enterprises = selectors.with_contacts(user=user, enterprises=enterprises)
    for enterprise in enterprises:
        enterprise.flags_text = "、".join(enterprise.flag_labels)
        enterprise.contacts_text = "；".join(
            " ".join(filter(None, [contact.name, contact.title, contact.shown_phone]))
            for contact in enterprise.shown_contacts)
    return enterprises


@login_required
def enterprise_list(request):
    require_permission(request.user, "enterprise.view")
    filterset = enterprise_filterset(request.GET, user=request.user)
    queryset = filterset.qs.prefetch_related("contacts")
    if request.GET.get("export") == "xlsx":
        return _export(request, queryset)
    return list_response(request, queryset=queryset, table=TABLE, title="企业库", filter_form=bootstrap(filterset.form),
                         template="enterprises/list.html", prepare=lambda rows: _decorate(request.user, rows),
                         context={"can_edit": has_permission(request.user, "enterprise.edit"),
                                  "export_query": request.GET.urlencode()})


def _export(request, queryset):
    """The filtered list as Excel, phones masked as on the page (a chunk of rows at a time)."""
    queryset, _sort = TABLE.order(queryset, request.GET.get("sort"))
    count = queryset.count()
    hooks.audit_record(hooks.actor_from_request(request), "export", ("enterprises.enterprise", "", "企业库"),
                       detail=f"导出{min(count, EXPORT_LIMIT)}行：{request.GET.urlencode()}"[:500])

    def rows():
        chunk = []
        for enterprise in queryset[:EXPORT_LIMIT].iterator(chunk_size=1000):
            chunk.append(enterprise)
            if len(chunk) == 1000:
                yield from _export_rows(request.user, chunk)
                chunk = []
        yield from _export_rows(request.user, chunk)

    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return xlsx_response(filename=f"企业库-{stamp}.xlsx", title="企业库",
                         header_rows=[[column.label for column in TABLE.columns]], rows=rows())


def _export_rows(user, chunk):
    for enterprise in _decorate(user, chunk):
        yield [value if isinstance(value, int | str) or value is None else str(value)
               for value in TABLE.row_values(enterprise)]


@login_required
def enterprise_detail(request, pk):
    enterprise = get_or_404(selectors.enterprise_get, user=request.user, pk=pk)
    _decorate(request.user, [enterprise])
    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise, "can_edit": may_act_on(Actor.from_request(request), "enterprise.edit", enterprise)})


def _units(request):
    return unit_list(user=request.user, action="enterprise.edit")


def _save(request, form, call, title, cancel_url):
    """Run the service when the form is valid; on a near-duplicate name show the confirm box."""
    if request.method == "POST" and form.is_valid():
        enterprise = run_on_form(form, call)
        if enterprise:
            return redirect(enterprise)
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url})


@login_required
def enterprise_create(request):
    require_permission(request.user, "enterprise.edit")
    form = bootstrap(EnterpriseForm(request.POST or None, units=_units(request)))

    def call():
        data = dict(form.cleaned_data)
        enterprise = services.enterprise_create(actor=Actor.from_request(request), **data)
        messages.success(request, f"已登记企业“{enterprise.name}”。")
        return enterprise

    return _save(request, form, call, "登记企业", "/enterprises/")


@login_required
def enterprise_edit(request, pk):
    enterprise = get_or_404(selectors.enterprise_get, user=request.user, pk=pk, action="enterprise.edit")
    actor = Actor.from_request(request)
    with_contacts = may_act_on(actor, "enterprise.contact", enterprise)
    form = bootstrap(EnterpriseForm(request.POST or None, units=_units(request), with_contacts=with_contacts,
                                    initial=initial_for(enterprise, with_contacts=with_contacts),
                                    version=enterprise.version))

    def call():
        data = dict(form.cleaned_data)
        expected_version = data.pop("version")
        services.enterprise_update(actor=actor, enterprise=enterprise, expected_version=expected_version, **data)
        messages.success(request, f"已保存企业“{enterprise.name}”。")
        return enterprise

    return _save(request, form, call, f"修改企业：{enterprise.name}", enterprise.get_absolute_url())
