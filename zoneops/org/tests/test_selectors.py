"""Scoped reads of people, grants and roles: their filters and who gets nothing."""

import pytest

from zoneops.org import selectors
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    wang = PersonFactory(unit=tree.town_a, name="王建国", username="wangjg", phone="13800000001")
    li = PersonFactory(unit=tree.beijing, name="李明", username="liming", phone="13900000002")
    leader = PersonFactory(unit=tree.zone, name="赵区长", username="zhao")
    grant(leader, "leader", scope=Scope.ALL)
    security = PersonFactory(unit=tree.zone, name="钱安全", username="qian")
    grant(security, "security_admin", scope=Scope.UNIT_TREE)
    return type("People", (), {"wang": wang, "li": li, "leader": leader, "security": security})


def test_person_list_searches_name_username_and_phone_and_narrows_to_a_subtree(tree, people):
    def names(**filters):
        return set(selectors.person_list(user=people.leader, **filters).values_list("name", flat=True))

    assert names(q="建国") == {"王建国"}
    assert names(q="LIMING") == {"李明"}  # usernames ignore case
    assert names(q="1390000") == {"李明"}
    assert names(unit=tree.bureau) == {"李明"}  # 招商局 and its 驻京组
    assert {"王建国", "李明", "赵区长", "钱安全"} <= names()


def test_grant_list_shows_the_grants_of_one_person_on_request(people):
    grant(people.wang, "township", scope=Scope.UNIT)
    everyone = selectors.grant_list(user=people.security)
    assert {g.person.name for g in everyone} >= {"王建国", "赵区长"}
    only_wang = selectors.grant_list(user=people.security, person=people.wang)
    assert [(g.person.name, g.role.code) for g in only_wang] == [("王建国", "township")]
    assert not selectors.grant_list(user=people.wang).exists()  # no grant.manage: nobody's grants


def test_roles_are_listed_with_their_use_only_to_role_or_grant_managers(people):
    assert not selectors.role_list(user=people.leader).exists()
    roles = {r.code: r.grant_count for r in selectors.role_list(user=people.security)}
    assert roles["leader"] == 1 and roles["security_admin"] == 1 and roles["auditor"] == 0
    assert role("leader").name in selectors.describe_roles(people.leader)


def test_unit_list_searches_and_filters_by_kind_and_unit_get_stops_at_the_scope(tree, people):
    def codes(**filters):
        return set(selectors.unit_list(user=people.leader, **filters).values_list("code", flat=True))

    assert codes(q="甲") == {"town-a"} and codes(q="ZS-BJ") == {"zs-bj"}
    assert codes(kind="township") == {"town-a", "town-b"}
    assert selectors.unit_list(user=people.leader, q="驻京").get().people_count == 1
    township = PersonFactory(unit=tree.town_a)
    grant(township, "township", scope=Scope.UNIT)
    assert selectors.unit_get(user=township, pk=tree.town_a.pk) == tree.town_a
    with pytest.raises(type(tree.town_b).DoesNotExist):
        selectors.unit_get(user=township, pk=tree.town_b.pk)
