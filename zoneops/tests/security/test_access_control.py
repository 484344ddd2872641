"""等保2.0 三级 · 访问控制 (GB/T 22239-2019 8.1.4.2): least privilege and 三权分立 the admins cannot undo.

Each test names the control it proves in its docstring; each fails when that control is removed.
"""

import pytest

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.org.models import Grant, Role, Scope
from zoneops.org.services import SeparationOfDuties, grant_create, person_set_password, role_update
from zoneops.org.tests.factories import PASSWORD, role
from zoneops.tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Taken#Over2027"


def test_security_admin_cannot_edit_the_role_they_hold(client, people):
    """访问控制 d)：管理用户权限分离 — nobody edits a role they hold (the security admin cannot widen their own)."""
    own = role("security_admin")
    client.force_login(people.security_admin)
    response = client.post(f"/org/roles/{own.pk}/", {
        "code": own.code, "name": own.name, "duty": own.duty, "description": own.description,
        "permissions": [*own.permissions, "unit.view"], "version": own.version})
    assert "不能修改自己所持有的角色" in response.content.decode()
    own.refresh_from_db()
    assert own.version == 1
    assert AuditEntry.objects.filter(action="role.update", result="denied", actor=people.security_admin).exists()


def test_a_role_held_by_nobody_editing_it_can_be_edited():
    """访问控制：the held-role rule refuses only the holder (a second security admin can change the role)."""
    from zoneops.org.tests.factories import PersonFactory, grant

    other = PersonFactory(username="secadmin2")
    grant(other, "security_admin", scope=Scope.ALL)
    business = role("leader")
    role_update(actor=Actor(person=other), role=business, expected_version=business.version,
                description="区领导（已复核）")
    assert Role.objects.get(pk=business.pk).description == "区领导（已复核）"


@pytest.mark.parametrize("target", ["system_admin", "auditor", "security_admin"])
def test_no_business_role_is_granted_to_an_admin_account(client, people, target):
    """访问控制 d)：管理员账号不得持有业务角色 — the security admin cannot give an admin a business role."""
    admin = getattr(people, target)
    actor = Actor(person=people.security_admin if target != "security_admin" else people.system_admin)
    if target == "security_admin":  # the system admin has no grant.manage: refused before the duty check
        actor = Actor.system()
    with pytest.raises(SeparationOfDuties, match="三权分立"):
        grant_create(actor=actor, person=admin, role=role("projects"), scope=Scope.ALL)
    assert not Grant.objects.filter(person=admin, role__duty="business").exists()
    assert AuditEntry.objects.filter(action="grant.create", result="denied", object_id=str(admin.pk)).exists()


def test_no_admin_duty_is_granted_to_a_business_account(people):
    """访问控制 d)：业务账号不得兼任管理员 — an admin needs an account of its own."""
    with pytest.raises(SeparationOfDuties):
        grant_create(actor=Actor(person=people.security_admin), person=people.staff, role=role("auditor"),
                     scope=Scope.ALL)


def test_refused_self_grant_is_audited(client, people):
    """访问控制 + 安全审计：refused self-grants are recorded, not only refused."""
    client.force_login(people.security_admin)
    page = client.post("/org/grants/", {"person": people.security_admin.pk, "role": role("leader").pk,
                                        "scope": Scope.ALL})
    assert "不能给自己授权" in page.content.decode()
    entry = AuditEntry.objects.get(action="grant.create", result="denied")
    assert entry.actor == people.security_admin and "不能给自己授权" in entry.detail


@pytest.mark.parametrize("target", ["security_admin", "auditor"])
def test_system_admin_cannot_reset_an_admins_password_in_the_ui(client, people, target):
    """访问控制 d)：管理员之间不能互相重置口令 — else the system admin signs in as the auditor (三权分立)."""
    victim = getattr(people, target)
    client.force_login(people.system_admin)
    page = client.post(f"/org/people/{victim.pk}/password/", {"password": NEW_PASSWORD})
    assert "三权分立" in page.content.decode()
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD) and not victim.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="person.password_reset", result="denied",
                                     object_id=str(victim.pk)).exists()
    assert "锁定" not in sign_in(client, victim.username, NEW_PASSWORD).content.decode()
    assert "_auth_user_id" not in client.session or client.session["_auth_user_id"] != str(victim.pk)


def test_no_admin_may_set_an_admins_password_through_the_services_or_the_api(client, people):
    """访问控制 d)：口令重置只在控制台 — no service call by any admin, and no API operation, sets it."""
    for actor in (people.system_admin, people.security_admin):
        for victim in (people.auditor, people.system_admin, people.security_admin):
            if actor == victim:
                continue
            with pytest.raises(SeparationOfDuties):
                person_set_password(actor=Actor(person=actor), person=victim, password=NEW_PASSWORD,
                                    must_change=True)
    # A business account's password is still the system admin's to reset.
    person_set_password(actor=Actor(person=people.system_admin), person=people.staff, password=NEW_PASSWORD,
                        must_change=True)
    client.force_login(people.township)
    doc = client.get("/api/v1/openapi.json").json()
    writes = [(path, method) for path, ops in doc["paths"].items() for method in ops if method != "get"]
    with_password = {name for name, schema in doc["components"]["schemas"].items()
                     if "password" in schema.get("properties", {})}
    assert not any("password" in path for path, _method in writes)
    assert with_password <= {"PersonIn"}  # only the initial password of a new person (no duty yet)
