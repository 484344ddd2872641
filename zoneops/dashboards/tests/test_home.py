"""The home page: each module's entries only for people who may use them, and a hint for people with none."""

import pytest

from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant

pytestmark = pytest.mark.django_db


def test_a_person_without_roles_sees_no_module_and_is_told_why(client, tree):
    client.force_login(PersonFactory(unit=tree.town_a))
    html = client.get("/").content.decode()
    assert "尚未被授予任何角色" in html
    assert "项目库" not in html and "工作日历" not in html


def test_the_navigation_shows_what_the_roles_allow(client, tree):
    person = PersonFactory(unit=tree.town_a)
    grant(person, "township", scope=Scope.UNIT)
    client.force_login(person)
    html = client.get("/").content.decode()
    assert "尚未被授予任何角色" not in html
    assert 'href="/projects/"' in html and 'href="/org/calendar/"' in html  # 工作日历 follows unit.view
    assert "项目规则" not in html and "审计日志" not in html and "授权管理" not in html


def test_the_system_admin_sees_the_calendar_but_no_project_figures(client, tree):
    person = PersonFactory(unit=tree.zone)
    grant(person, "system_admin", scope=Scope.ALL)
    client.force_login(person)
    html = client.get("/").content.decode()
    assert "工作日历" in html and "可见单位" in html
    assert "重点项目" not in html and "项目库" not in html
