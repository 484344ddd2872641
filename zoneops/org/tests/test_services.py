"""Unit tree, people, roles and grants: the rules the services enforce."""

import pytest

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import ConflictError, PermissionDenied, ValidationError
from zoneops.org import services
from zoneops.org.models import Person, Scope, Unit
from zoneops.org.tests.factories import PersonFactory, grant, make_role, role

pytestmark = pytest.mark.django_db


def actor_for(person):
    return Actor(person=person, ip="127.0.0.1")


@pytest.fixture
def town_admin(tree):
    """A system admin whose grants stop at 甲镇."""
    person = PersonFactory(unit=tree.town_a)
    grant(person, "system_admin", scope=Scope.UNIT_TREE)
    return person


def test_unit_paths_follow_the_tree(tree):
    assert tree.beijing.path == f"{tree.city.pk}/{tree.zone.pk}/{tree.bureau.pk}/{tree.beijing.pk}/"
    assert tree.beijing.depth == 3


def test_moving_a_unit_moves_its_subtree(tree):
    services.unit_move(actor=Actor.system(), unit=tree.bureau, new_parent=tree.town_a)
    beijing = Unit.objects.get(pk=tree.beijing.pk)
    assert beijing.path.startswith(Unit.objects.get(pk=tree.town_a.pk).path)
    assert beijing.depth == 4
    assert AuditEntry.objects.filter(action="unit.move").exists()


def test_cannot_move_a_unit_under_itself(tree):
    with pytest.raises(ValidationError):
        services.unit_move(actor=Actor.system(), unit=tree.zone, new_parent=tree.beijing)


def test_admin_cannot_create_or_move_outside_their_scope(tree, town_admin):
    actor = actor_for(town_admin)
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=actor, parent=tree.town_b, code="nope", name="越权", kind="department")
    child = services.unit_create(actor=actor, parent=tree.town_a, code="village", name="村委会", kind="other")
    with pytest.raises(PermissionDenied):
        services.unit_move(actor=actor, unit=child, new_parent=tree.town_b)
    assert not Unit.objects.filter(code="nope").exists()


def test_admin_cannot_move_people_out_of_their_scope(tree, town_admin):
    person = PersonFactory(unit=tree.town_a)
    with pytest.raises(PermissionDenied):
        services.person_update(actor=actor_for(town_admin), person=person, expected_version=person.version,
                               unit=tree.town_b)
    person.refresh_from_db()
    assert person.unit_id == tree.town_a.pk


def test_stale_edit_is_a_conflict_not_an_overwrite(tree):
    unit = Unit.objects.get(pk=tree.town_a.pk)
    other_tab = Unit.objects.get(pk=tree.town_a.pk)
    services.unit_update(actor=Actor.system(), unit=unit, expected_version=1, name="甲镇（新）")
    with pytest.raises(ConflictError) as conflict:
        services.unit_update(actor=Actor.system(), unit=other_tab, expected_version=1, name="旧页面的改动")
    assert conflict.value.current_version == 2
    assert Unit.objects.get(pk=tree.town_a.pk).name == "甲镇（新）"


def test_duplicate_unit_code_is_a_validation_error(tree):
    with pytest.raises(ValidationError):
        services.unit_create(actor=Actor.system(), parent=tree.zone, code="zsj", name="重复", kind="department")


def test_person_without_password_cannot_sign_in(tree, client):
    person = services.person_create(actor=Actor.system(), username="nologin", name="无账号", unit=tree.zone)
    assert not person.has_usable_password()
    assert client.post("/login/", {"username": "nologin", "password": "anything"}).status_code == 200


def test_new_person_must_change_password(tree):
    person = services.person_create(actor=Actor.system(), username="p1", name="新人", unit=tree.zone,
                                    password="Kaifaqu#2026")
    assert person.must_change_password


def test_weak_password_is_refused_and_nothing_written(tree):
    with pytest.raises(ValidationError):
        services.person_create(actor=Actor.system(), username="weak", name="弱", unit=tree.zone, password="12345678")
    assert not Person.objects.filter(username="weak").exists()


class TestSeparationOfDuties:
    def test_role_of_one_duty_cannot_hold_another_duty_permission(self, tree):
        with pytest.raises(ValidationError):
            make_role("mixed", ["person.manage", "audit.view"], duty="system_admin")
        with pytest.raises(ValidationError):
            make_role("biz", ["grant.manage"])

    def test_one_person_cannot_hold_two_admin_duties(self, tree):
        person = PersonFactory(unit=tree.zone)
        grant(person, "system_admin", scope=Scope.ALL)
        with pytest.raises(ValidationError, match="三权分立"):
            grant(person, "auditor", scope=Scope.ALL)

    def test_system_admin_cannot_read_audit_or_grant(self, tree, client):
        admin = PersonFactory(unit=tree.zone)
        grant(admin, "system_admin", scope=Scope.ALL)
        target = PersonFactory(unit=tree.zone)
        client.force_login(admin)
        assert client.get("/audit/").status_code == 403
        assert client.get("/org/grants/").status_code == 403
        with pytest.raises(PermissionDenied):
            services.grant_create(actor=actor_for(admin), person=target, role=role("leader"), scope=Scope.ALL)

    def test_auditor_cannot_change_people_or_grants(self, tree, client):
        auditor = PersonFactory(unit=tree.zone)
        grant(auditor, "auditor", scope=Scope.ALL)
        target = PersonFactory(unit=tree.zone)
        with pytest.raises(PermissionDenied):
            services.person_update(actor=actor_for(auditor), person=target, expected_version=1, title="x")
        with pytest.raises(PermissionDenied):
            services.grant_create(actor=actor_for(auditor), person=target, role=role("leader"), scope=Scope.ALL)
        client.force_login(auditor)
        assert client.get("/org/people/new/").status_code == 403

    def test_no_everyday_superuser_command(self):
        from django.core.management import call_command

        with pytest.raises(Exception):  # noqa: B017 - Person has no create_superuser
            call_command("createsuperuser", "--noinput", "--username", "root")


class TestGrants:
    @pytest.fixture
    def security(self, tree):
        person = PersonFactory(unit=tree.bureau)
        grant(person, "security_admin", scope=Scope.UNIT_TREE)
        return person

    def test_grant_within_own_scope(self, tree, security):
        target = PersonFactory(unit=tree.beijing)
        services.grant_create(actor=actor_for(security), person=target, role=role("investment"), scope=Scope.UNIT)
        assert Unit.objects.restrict(target, "unit.view").get() == Unit.objects.get(pk=tree.beijing.pk)
        entry = AuditEntry.objects.filter(action="grant.create").latest("id")
        assert entry.changes["scope"] == "unit" and entry.actor_id == security.pk

    def test_grant_beyond_own_scope_is_refused(self, tree, security):
        target = PersonFactory(unit=tree.beijing)
        with pytest.raises(PermissionDenied):
            services.grant_create(actor=actor_for(security), person=target, role=role("investment"),
                                  scope=Scope.ALL)
        with pytest.raises(PermissionDenied):
            services.grant_create(actor=actor_for(security), person=target, role=role("investment"),
                                  scope=Scope.UNIT_TREE, unit=tree.zone)
        with pytest.raises(PermissionDenied):
            services.grant_create(actor=actor_for(security), person=target, role=role("investment"),
                                  scope=Scope.CUSTOM, custom_units=[tree.beijing, tree.town_b])
        outsider = PersonFactory(unit=tree.town_a)
        with pytest.raises(PermissionDenied):
            services.grant_create(actor=actor_for(security), person=outsider, role=role("investment"),
                                  scope=Scope.UNIT)

    def test_cannot_grant_to_self(self, security):
        with pytest.raises(PermissionDenied):
            services.grant_create(actor=actor_for(security), person=security, role=role("leader"), scope=Scope.UNIT)

    def test_revoke_takes_effect_immediately(self, tree, security):
        target = PersonFactory(unit=tree.beijing)
        g = services.grant_create(actor=actor_for(security), person=target, role=role("investment"),
                                  scope=Scope.UNIT)
        assert Unit.objects.restrict(target, "unit.view").exists()
        services.grant_revoke(actor=actor_for(security), grant=g)
        assert not Unit.objects.restrict(target, "unit.view").exists()
        assert AuditEntry.objects.filter(action="grant.revoke").exists()

    def test_custom_scope_needs_units(self, tree):
        target = PersonFactory(unit=tree.zone)
        with pytest.raises(ValidationError):
            services.grant_create(actor=Actor.system(), person=target, role=role("leader"), scope=Scope.CUSTOM)

    def test_grant_page_creates_a_grant(self, tree, security, client):
        target = PersonFactory(unit=tree.beijing)
        client.force_login(security)
        response = client.post("/org/grants/", {"person": target.pk, "role": role("investment").pk, "scope": "unit"})
        assert response.status_code == 302
        assert target.grants.count() == 1
        refused = client.post("/org/grants/", {"person": target.pk, "role": role("leader").pk, "scope": "all"})
        assert "不能授予" in refused.content.decode()
