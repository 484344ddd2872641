"""The same grant cannot be given twice (a NULL unit used to slip past the unique constraint)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zoneops.audit.context import Actor
from zoneops.org import services
from zoneops.org.models import Grant, Scope
from zoneops.org.scope import has_permission
from zoneops.org.tests.factories import PersonFactory, grant, role

SYSTEM = Actor.system()


@pytest.fixture
def security(tree):
    person = PersonFactory(unit=tree.zone)
    grant(person, "security_admin", scope=Scope.ALL)
    return person


@pytest.mark.parametrize("scope", [Scope.ALL, Scope.UNIT_TREE, Scope.UNIT, Scope.OWN])
def test_granting_twice_is_refused_in_chinese_and_revoking_removes_the_access(tree, security, scope):
    target = PersonFactory(unit=tree.town_a)
    actor = Actor(person=security, ip="127.0.0.1")
    first = services.grant_create(actor=actor, person=target, role=role("leader"), scope=scope)
    with pytest.raises(ValidationError, match="不能重复授予"):
        services.grant_create(actor=actor, person=target, role=role("leader"), scope=scope)
    assert target.grants.count() == 1
    services.grant_revoke(actor=actor, grant=first)
    assert not has_permission(target, "project.view")


def test_granting_twice_with_an_anchor_unit_is_refused(tree):
    target = PersonFactory(unit=tree.town_a)
    grant(target, "leader", scope=Scope.UNIT_TREE, unit=tree.zone)
    with pytest.raises(ValidationError, match="不能重复授予"):
        grant(target, "leader", scope=Scope.UNIT_TREE, unit=tree.zone)
    grant(target, "leader", scope=Scope.UNIT_TREE)  # anchored at their own unit: a different grant
    assert target.grants.count() == 2


def test_the_database_refuses_a_duplicate_written_around_the_service(tree):
    target = PersonFactory(unit=tree.town_a)
    grant(target, "leader", scope=Scope.ALL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(person=target, role=role("leader"), scope=Scope.ALL)


def test_grant_page_shows_the_refusal(tree, security, client):
    target = PersonFactory(unit=tree.town_a)
    client.force_login(security)
    data = {"person": target.pk, "role": role("leader").pk, "scope": "unit"}
    assert client.post("/org/grants/", data).status_code == 302
    page = client.post("/org/grants/", data)
    assert "不能重复授予" in page.content.decode()
    assert target.grants.count() == 1

