"""Permissions are declared per app; an unknown code raises; the role editor groups them by app."""

import ast
import importlib
import pathlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError

from zoneops.audit.context import Actor
from zoneops.org.models import Role, Scope, Unit
from zoneops.org.permissions import COMMON, Duty, PermissionRegistry, UnknownPermission, registry
from zoneops.org.roles import BUILTIN_ROLES
from zoneops.org.scope import has_permission, may_act_on, require_permission
from zoneops.org.tests.factories import PersonFactory, grant, make_role


def test_each_app_declares_its_own_permissions():
    by_app = {p.code: p.app_label for p in registry}
    assert by_app["project.view"] == "projects"
    assert by_app["unit.manage"] == "org"
    assert by_app["account.unlock"] == "accounts"
    assert by_app["audit.view"] == "audit"
    assert by_app["calendar.manage"] == "core"


@pytest.mark.django_db
def test_an_unknown_code_raises_everywhere_instead_of_denying(tree):
    me = PersonFactory(unit=tree.zone)
    grant(me, "leader", scope=Scope.ALL)
    for call in (lambda: has_permission(me, "project.veiw"),
                 lambda: require_permission(me, "project.veiw"),
                 lambda: Unit.objects.restrict(me, "unit.veiw"),
                 lambda: Unit.objects.restrict(None, "unit.veiw"),  # even for nobody
                 lambda: may_act_on(Actor(person=me), "unit.mange", tree.zone),
                 lambda: may_act_on(Actor.system(), "unit.mange", tree.zone)):
        with pytest.raises(UnknownPermission):
            call()
    assert has_permission(me, "project.view")


def test_registry_refuses_bad_declarations():
    fresh = PermissionRegistry()
    with pytest.raises(ImproperlyConfigured):
        fresh.register("x", "X", {"no-dot": ("坏", Duty.BUSINESS)})
    with pytest.raises(ImproperlyConfigured):
        fresh.register("x", "X", {"x.view": ("坏", "boss")})
    fresh.register("x", "X", {"x.view": ("查看", COMMON)})
    with pytest.raises(ImproperlyConfigured):
        fresh.register("y", "Y", {"x.view": ("又一个", COMMON)})


CHECKING_CALLS = {"has_permission", "require_permission", "restrict", "may_act_on", "grants_for", "_require"}


def _strings(nodes):
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str) and "." in n.value]


def _codes_in(tree):
    """Permission codes handed to the checking functions, as ``action=``/``permission=`` or as defaults."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in CHECKING_CALLS:
                yield from _strings(node.args)
            yield from _strings(k.value for k in node.keywords if k.arg in ("action", "permission"))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            named = node.args.args[-len(node.args.defaults):] if node.args.defaults else []
            pairs = [*zip(named, node.args.defaults, strict=True), *zip(node.args.kwonlyargs, node.args.kw_defaults,
                                                                        strict=True)]
            yield from _strings(default for arg, default in pairs if arg.arg in ("action", "permission"))
        elif isinstance(node, ast.Assign) and any("PERMISSION" in getattr(t, "id", "") for t in node.targets):
            yield from _strings([node.value])


def _code_literals():
    root = pathlib.Path(apps.get_app_config("org").path).parent
    found = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for code in _codes_in(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(code, str(path.relative_to(root)))
    return found


def test_every_permission_code_in_the_source_is_declared():
    """A typo in a rarely run branch is caught here, before it is a silent deny or a 500."""
    literals = _code_literals()
    assert {"project.view", "project.review", "unit.manage", "calendar.manage"} <= set(literals)  # it finds them
    undeclared = {code: where for code, where in literals.items() if code not in registry}
    assert undeclared == {}


def test_builtin_roles_hold_only_declared_permissions_allowed_for_their_duty():
    for spec in BUILTIN_ROLES:
        for code in spec["permissions"]:
            assert registry.get(code).allowed_for(spec["duty"]), (spec["code"], code)


@pytest.mark.django_db
class TestAdminRolesHoldNoBusinessPermission:
    @pytest.mark.parametrize("duty", [Duty.SYSTEM_ADMIN, Duty.SECURITY_ADMIN, Duty.AUDITOR])
    def test_admin_role_refuses_a_business_permission(self, duty):
        with pytest.raises(ValidationError, match="查看项目"):
            make_role(f"r-{duty}", ["project.view"], duty=duty)

    @pytest.mark.parametrize("duty", [Duty.SYSTEM_ADMIN, Duty.SECURITY_ADMIN, Duty.AUDITOR, Duty.BUSINESS])
    def test_every_role_may_hold_the_common_reads(self, duty):
        assert make_role(f"c-{duty}", ["unit.view", "person.view"], duty=duty).pk

    def test_an_unknown_code_on_a_role_is_a_validation_error(self):
        with pytest.raises(ValidationError):
            make_role("typo", ["project.veiw"])

    def test_migration_strips_business_permissions_from_existing_admin_roles(self):
        migration = importlib.import_module("zoneops.org.migrations.0004_admin_roles_without_business_permissions")
        mixed = Role.objects.create(code="mixed", name="混合", duty=Duty.SECURITY_ADMIN,
                                    permissions=["grant.manage", "project.view", "unit.view"])
        business = Role.objects.create(code="biz", name="业务", duty=Duty.BUSINESS, permissions=["project.view"])
        migration.strip_business_permissions(apps, None)
        mixed.refresh_from_db()
        business.refresh_from_db()
        assert mixed.permissions == ["grant.manage", "unit.view"]
        assert business.permissions == ["project.view"]


@pytest.mark.django_db
def test_role_editor_lists_permissions_by_app_with_chinese_names(tree, client):
    security = PersonFactory(unit=tree.zone)
    grant(security, "security_admin", scope=Scope.ALL)
    client.force_login(security)
    page = client.get("/org/roles/new/").content.decode()
    groups = [("组织", "管理单位"), ("项目建设", "查看项目"), ("审计", "查看审计日志"), ("账号", "解锁账号")]
    for app_name, label in groups:
        assert f'<legend class="fs-6 fw-semibold mb-1">{app_name}</legend>' in page
        assert label in page
    legend = '<legend class="fs-6 fw-semibold mb-1">{}</legend>'.format
    assert page.index(legend("组织")) < page.index("管理单位") < page.index(legend("项目建设")) < page.index("查看项目")
    listing = client.get("/org/roles/").content.decode()
    assert "查看人员、查看项目、查看单位" in listing  # the 区领导 role, in Chinese rather than codes
