"""Pages for units, people, roles and grants. Thin: parse, call a selector or service, render."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zoneops.accounts.services import account_unlock
from zoneops.audit.context import Actor
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404
from zoneops.core.listing import Column, Table, list_response
from zoneops.org import selectors, services
from zoneops.org.forms import (
    GrantForm,
    InitialPasswordForm,
    PersonFilterForm,
    PersonForm,
    RoleForm,
    UnitFilterForm,
    UnitForm,
    UnitMoveForm,
)
from zoneops.org.models import Grant, Role, Unit
from zoneops.org.scope import has_permission, require_permission

UNIT_TABLE = Table(columns=[
    Column("单位名称", "name", sort="name"),
    Column("单位代码", "code", sort="code"),
    Column("类型", "get_kind_display", sort="kind"),
    Column("上级单位", "parent.name"),
    Column("人数", "people_count", sort="people_count"),
    Column("启用", "is_active", sort="is_active"),
], default_sort="path")

PERSON_TABLE = Table(columns=[
    Column("姓名", "name", sort="name"),
    Column("登录名", "username", sort="username"),
    Column("单位", "unit.name", sort="unit__path"),
    Column("职务", "title", sort="title"),
    Column("手机号", "phone"),
    Column("启用", "is_active", sort="is_active"),
], default_sort="unit__path")


# --- Units ----------------------------------------------------------------------------------

@login_required
def unit_list(request):
    require_permission(request.user, "unit.view")
    form = bootstrap(UnitFilterForm(request.GET or None))
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.unit_list(user=request.user, q=filters.get("q", ""), kind=filters.get("kind", ""))
    return list_response(request, queryset=queryset, table=UNIT_TABLE, title="单位管理", filter_form=form,
                         export_name="单位", template="org/unit_list.html",
                         context={"can_manage": has_permission(request.user, "unit.manage")})


@login_required
def unit_tree(request):
    require_permission(request.user, "unit.view")
    units = list(selectors.unit_list(user=request.user).order_by("path"))
    return render(request, "org/unit_tree.html", {"title": "单位树", "nodes": _nest(units)})


def _nest(units):
    """Nest units into (unit, children) pairs, siblings by sort order then code; roots are the topmost
    visible units. Paths are compared as text, so depth order (not sibling order) comes from them."""
    by_path, roots = {}, []
    for unit in sorted(units, key=lambda u: (u.depth, u.sort_order, u.code)):
        node = (unit, [])
        parent_path = unit.path[: unit.path.rstrip("/").rfind("/") + 1]
        if parent_path in by_path:
            by_path[parent_path][1].append(node)
        else:
            roots.append(node)
        by_path[unit.path] = node
    return roots


@login_required
def unit_detail(request, pk):
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk)
    children = selectors.unit_list(user=request.user).filter(parent=unit).order_by("sort_order", "path")
    people = selectors.person_list(user=request.user).filter(unit=unit)[:50]
    can_manage = Unit.objects.filter(pk=unit.pk).restrict(request.user, "unit.manage").exists()
    return render(request, "org/unit_detail.html",
                  {"title": unit.name, "unit": unit, "children": children, "people": people, "can_manage": can_manage})


@login_required
def unit_create(request, parent_pk):
    parent = get_or_404(selectors.unit_get, user=request.user, pk=parent_pk, action="unit.manage")
    form = bootstrap(UnitForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
        unit = run_on_form(form, lambda: services.unit_create(actor=Actor.from_request(request), parent=parent, **data))
        if unit:
            messages.success(request, f"已新建单位“{unit.name}”。")
            return redirect(unit)
    return render(request, "core/form.html",
                  {"form": form, "title": f"在“{parent.name}”下新建单位", "cancel_url": parent.get_absolute_url()})


@login_required
def unit_edit(request, pk):
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk, action="unit.manage")
    version = unit.version
    form = bootstrap(UnitForm(request.POST or None, instance=unit))
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: services.unit_update(
            actor=Actor.from_request(request), unit=Unit.objects.unscoped().get(pk=unit.pk),  # checked just above
            expected_version=request.POST.get("version"), **form.cleaned_data))
        if done:
            messages.success(request, "已保存。")
            return redirect(done)
    return render(request, "core/form.html", {"form": form, "title": f"编辑单位：{unit.name}", "version": version,
                                              "cancel_url": unit.get_absolute_url()})


@login_required
def unit_move(request, pk):
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk, action="unit.manage")
    parents = selectors.unit_list(user=request.user, action="unit.manage").exclude(path__startswith=unit.path)
    form = bootstrap(UnitMoveForm(request.POST or None, parents=parents))
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: services.unit_move(actor=Actor.from_request(request), unit=unit,
                                                     new_parent=form.cleaned_data["new_parent"]))
        if done:
            messages.success(request, "单位已移动。")
            return redirect(done)
    return render(request, "core/form.html", {"form": form, "title": f"移动单位：{unit.name}",
                                              "cancel_url": unit.get_absolute_url()})


# --- People ---------------------------------------------------------------------------------

@login_required
def person_list(request):
    require_permission(request.user, "person.view")
    units = selectors.unit_list(user=request.user)
    form = bootstrap(PersonFilterForm(request.GET or None, units=units))
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.person_list(user=request.user, q=filters.get("q", ""), unit=filters.get("unit"))
    return list_response(request, queryset=queryset, table=PERSON_TABLE, title="人员管理", filter_form=form,
                         export_name="人员", template="org/person_list.html",
                         context={"can_manage": has_permission(request.user, "person.manage")})


@login_required
def person_detail(request, pk):
    person = get_or_404(selectors.person_get, user=request.user, pk=pk)
    grants = Grant.objects.filter(person=person).select_related("role", "unit").prefetch_related("custom_units")
    return render(request, "org/person_detail.html", {
        "title": person.name, "person": person, "grants": grants,
        "can_manage": type(person).objects.filter(pk=pk).restrict(request.user, "person.manage").exists(),
        "can_unlock": has_permission(request.user, "account.unlock"),
    })


@login_required
def person_create(request):
    require_permission(request.user, "person.manage")
    units = selectors.unit_list(user=request.user, action="person.manage")
    form = bootstrap(PersonForm(request.POST or None, units=units))
    password_form = bootstrap(InitialPasswordForm(request.POST or None))
    if request.method == "POST" and form.is_valid() and password_form.is_valid():
        person = run_on_form(form, lambda: services.person_create(
            actor=Actor.from_request(request), password=password_form.cleaned_data["password"] or None,
            **form.cleaned_data))
        if person:
            messages.success(request, f"已新增人员“{person.name}”。")
            return redirect(person)
    return render(request, "org/person_form.html", {"form": form, "password_form": password_form,
                                                    "title": "新增人员", "cancel_url": "/org/people/"})


@login_required
def person_edit(request, pk):
    person = get_or_404(selectors.person_get, user=request.user, pk=pk, action="person.manage")
    units = selectors.unit_list(user=request.user, action="person.manage")
    version = person.version
    form = bootstrap(PersonForm(request.POST or None, instance=person, units=units))
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        target = type(person).objects.unscoped().select_related("unit").get(pk=pk)  # checked just above
        done = run_on_form(form, lambda: services.person_update(actor=Actor.from_request(request), person=target,
                                                         expected_version=request.POST.get("version"), **fields))
        if done:
            messages.success(request, "已保存。")
            return redirect(done)
    return render(request, "core/form.html", {"form": form, "title": f"编辑人员：{person.name}", "version": version,
                                              "cancel_url": person.get_absolute_url()})


@login_required
def person_reset_password(request, pk):
    person = get_or_404(selectors.person_get, user=request.user, pk=pk, action="person.manage")
    form = bootstrap(InitialPasswordForm(request.POST or None))
    form.fields["password"].required = True
    form.fields["password"].label = "新密码"
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: services.person_set_password(
            actor=Actor.from_request(request), person=person, password=form.cleaned_data["password"], must_change=True))
        if done:
            messages.success(request, f"已重置“{person.name}”的密码，其下次登录须修改密码。")
            return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": f"重置密码：{person.name}",
                                              "cancel_url": person.get_absolute_url()})


@require_POST
@login_required
def person_unlock(request, pk):
    person = get_or_404(selectors.person_get, user=request.user, pk=pk, action="account.unlock")
    account_unlock(actor=Actor.from_request(request), person=person)
    messages.success(request, f"已解除“{person.name}”的登录锁定。")
    return redirect(person)


# --- Roles and grants -----------------------------------------------------------------------

@login_required
def role_list(request):
    require_permission(request.user, "role.manage")
    return render(request, "org/role_list.html", {"title": "角色管理", "roles": selectors.role_list(user=request.user)})


@login_required
def role_form(request, pk=None):
    require_permission(request.user, "role.manage")
    role = Role.objects.filter(pk=pk).first() if pk else None
    if pk and role is None:
        raise Http404
    form = bootstrap(RoleForm(request.POST or None, instance=role))
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)
        if role:
            call = partial(services.role_update, actor=actor, role=Role.objects.get(pk=pk),
                           expected_version=request.POST.get("version"), **form.cleaned_data)
        else:
            call = partial(services.role_create, actor=actor, **form.cleaned_data)
        if run_on_form(form, call):
            messages.success(request, "角色已保存。")
            return redirect("org:role_list")
    return render(request, "core/form.html", {"form": form, "title": f"编辑角色：{role}" if role else "新建角色",
                                              "version": role.version if role else None, "cancel_url": "/org/roles/"})


@login_required
def grant_list(request):
    require_permission(request.user, "grant.manage")
    people = selectors.person_list(user=request.user, action="grant.manage")
    units = selectors.unit_list(user=request.user, action="grant.manage")
    form = bootstrap(GrantForm(request.POST or None, people=people, units=units))
    if request.method == "POST" and form.is_valid():
        grant = run_on_form(form, lambda: services.grant_create(actor=Actor.from_request(request),
                                                                **form.cleaned_data))
        if grant:
            messages.success(request, f"已授权：{grant}。")
            return redirect("org:grant_list")
    grants = selectors.grant_list(user=request.user).order_by("person__unit__path", "person__name")
    return render(request, "org/grant_list.html", {"title": "授权管理", "grants": grants, "form": form})


@require_POST
@login_required
def grant_revoke(request, pk):
    require_permission(request.user, "grant.manage")
    grant = selectors.grant_list(user=request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    services.grant_revoke(actor=Actor.from_request(request), grant=grant)
    messages.success(request, f"已撤销授权：{grant}。")
    return redirect("org:grant_list")
