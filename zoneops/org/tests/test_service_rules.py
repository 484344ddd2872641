"""The refusals of the org services that the main suite does not reach: each leaves nothing behind."""

import pytest

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.org import services
from zoneops.org.models import Grant, Role, Scope, UnitKind
from zoneops.org.tests.factories import PASSWORD, PersonFactory, grant, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    """A system admin whose grants stop at 甲镇."""
    return Actor(person=_person_with(tree.town_a, "system_admin"))


@pytest.fixture
def security(tree):
    """A security admin over the zone."""
    return Actor(person=_person_with(tree.zone, "security_admin"))


def _person_with(unit, role_code):
    person = PersonFactory(unit=unit)
    grant(person, role_code, scope=Scope.UNIT_TREE)
    return person


def test_only_the_system_creates_a_root_unit(admin):
    with pytest.raises(PermissionDenied, match="根单位"):
        services.unit_create(actor=admin, parent=None, code="root2", name="另一个根",
                             kind=UnitKind.PROVINCE)


def test_unknown_fields_are_refused_by_name(tree, admin):
    with pytest.raises(ValidationError, match="path"):
        services.unit_update(actor=admin, unit=tree.town_a, expected_version=1, path="1/")
    person = PersonFactory(unit=tree.town_a)
    with pytest.raises(ValidationError, match="username"):
        services.person_update(actor=admin, person=person, expected_version=1, username="x")
    with pytest.raises(ValidationError, match="is_builtin"):
        services.role_update(actor=Actor.system(), role=role("leader"), expected_version=1, is_builtin=False)


def test_a_person_cannot_be_moved_out_of_the_admins_reach(tree, admin):
    person = PersonFactory(unit=tree.town_a)
    with pytest.raises(PermissionDenied, match="调入目标单位"):
        services.person_update(actor=admin, person=person, expected_version=person.version,
                               unit=tree.town_b)
    person.refresh_from_db()
    assert person.unit == tree.town_a
    moved = services.person_update(actor=Actor.system(), person=person, expected_version=person.version,
                                   unit=tree.town_b, title="科员")
    assert (moved.unit, moved.title) == (tree.town_b, "科员")


def test_an_admin_resets_a_password_only_within_reach_and_nobody_reuses_their_own(tree, admin):
    outsider = PersonFactory(unit=tree.town_b)
    with pytest.raises(PermissionDenied, match="重置"):
        services.person_set_password(actor=admin, person=outsider, password="Another#Pass9",
                                     must_change=True)
    me = PersonFactory(unit=tree.town_a)
    with pytest.raises(ValidationError, match="不能与当前密码相同"):
        services.person_set_password(actor=Actor(person=me), person=me, password=PASSWORD, must_change=False)
    services.person_set_password(actor=Actor(person=me), person=me, password="Another#Pass9", must_change=False)
    assert AuditEntry.objects.filter(action="person.password_change", object_id=str(me.pk)).exists()


def test_roles_are_managed_by_the_security_admin_only(admin, security):
    with pytest.raises(PermissionDenied, match="管理角色"):
        services.role_create(actor=admin, code="x", name="某角色", permissions=["project.view"])
    created = services.role_create(actor=security, code="viewer", name="只读",
                                   permissions=["project.view", "unit.view", "project.view"])
    assert created.permissions == ["project.view", "unit.view"]  # deduplicated and sorted
    updated = services.role_update(actor=security, role=created, expected_version=created.version,
                                   permissions=["unit.view", "person.view", "unit.view"], name="只读人员")
    assert (updated.permissions, updated.name) == (["person.view", "unit.view"], "只读人员")
    assert AuditEntry.objects.filter(action__in=["role.create", "role.update"], object_id=str(created.pk)).count() == 2
    with pytest.raises(PermissionDenied):
        services.role_update(actor=admin, role=created, expected_version=updated.version, name="x")
    assert not Role.objects.filter(code="x").exists()


def test_grant_arguments_are_checked_before_anything_else(tree, security):
    target = PersonFactory(unit=tree.zone)
    with pytest.raises(ValidationError, match="数据范围无效"):
        services.grant_create(actor=security, person=target, role=role("leader"), scope="everything")
    with pytest.raises(ValidationError, match="只有自定义"):
        services.grant_create(actor=security, person=target, role=role("leader"), scope=Scope.UNIT,
                              custom_units=[tree.town_a])
    assert not target.grants.exists()


def test_only_grant_managers_within_reach_grant_or_revoke(tree, admin, security):
    target = PersonFactory(unit=tree.town_b)
    with pytest.raises(PermissionDenied, match="无权授权"):
        services.grant_create(actor=admin, person=target, role=role("leader"), scope=Scope.UNIT)
    given = grant(target, "township", scope=Scope.UNIT)
    with pytest.raises(PermissionDenied, match="无权撤销"):
        services.grant_revoke(actor=admin, grant=given)
    town_security = Actor(person=_person_with(tree.town_a, "security_admin"))
    with pytest.raises(PermissionDenied, match="管理范围"):
        services.grant_revoke(actor=town_security, grant=given)
    assert Grant.objects.filter(pk=given.pk).exists()
    services.grant_revoke(actor=security, grant=given)
    assert not Grant.objects.filter(pk=given.pk).exists()
