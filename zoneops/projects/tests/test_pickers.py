"""Searchable pickers: scoped endpoints, no administrators, search by name, code and pinyin initials;
pages render only the chosen option, never the whole list."""

import re

import pytest

from zoneops.core.widgets import PickerSelect
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, UnitFactory, grant
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def results(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [row["text"] for row in response.json()["results"]]


@pytest.fixture
def people(tree):
    office = PersonFactory(unit=tree.zone, name="项目办")
    grant(office, "projects", scope=Scope.UNIT_TREE)
    township = PersonFactory(unit=tree.town_a, name="甲镇填报员")
    grant(township, "township", scope=Scope.UNIT)
    clerk = PersonFactory(unit=tree.town_a, name="辛晓舟", username="xinxz")
    stranger = PersonFactory(unit=tree.town_b, name="乙镇人员")
    admin = PersonFactory(unit=tree.town_a, name="甲镇系统管理员")
    grant(admin, "system_admin", scope=Scope.UNIT_TREE, unit=tree.town_a)
    auditor = PersonFactory(unit=tree.zone, name="审计员")
    grant(auditor, "auditor", scope=Scope.ALL)
    return type("People", (), dict(office=office, township=township, clerk=clerk, stranger=stranger,
                                   admin=admin, auditor=auditor))


def test_units_are_scoped_and_searchable_by_name_code_and_initials(client, tree, people):
    client.force_login(people.township)
    assert results(client, "/projects/pick/units/") == ["甲镇"]
    assert results(client, "/projects/pick/units/?q=乙") == []
    client.force_login(people.office)
    assert set(results(client, "/projects/pick/units/")) == {"经开区", "招商局", "驻京组", "甲镇", "乙镇"}
    assert results(client, "/projects/pick/units/?q=驻京") == ["驻京组"]
    assert results(client, "/projects/pick/units/?q=ZS-BJ") == ["驻京组"]  # the unit code
    assert results(client, "/projects/pick/units/?q=zsj") == ["招商局"]  # 招商局's code and initials
    assert results(client, "/projects/pick/units/?q=jz") == ["甲镇"]  # pinyin initials of 甲镇
    assert "渭南市" not in results(client, "/projects/pick/units/?q=wns")  # above the office's tree


def test_people_are_scoped_and_never_administrators(client, tree, people):
    client.force_login(people.office)
    names = results(client, "/projects/pick/people/")
    assert {"项目办", "甲镇填报员", "辛晓舟", "乙镇人员"} <= set(names)
    assert "甲镇系统管理员" not in names and "审计员" not in names
    assert results(client, "/projects/pick/people/?q=管理员") == []
    assert results(client, "/projects/pick/people/?q=xxz") == ["辛晓舟"]  # initials
    assert results(client, "/projects/pick/people/?q=xinxz") == ["辛晓舟"]  # the login name
    client.force_login(people.township)  # 乡镇 sees the people of its own unit only
    names = results(client, "/projects/pick/people/")
    assert "乙镇人员" not in names and "甲镇系统管理员" not in names and "辛晓舟" in names


def test_leader_picker_offers_the_leaders_of_visible_projects(client, tree, people):
    ProjectFactory(responsible_unit=tree.town_a, leader=people.clerk)
    ProjectFactory(responsible_unit=tree.town_b, leader=people.stranger)
    client.force_login(people.township)
    assert results(client, "/projects/pick/people/?led=1") == ["辛晓舟"]


def test_industries_by_name_or_code(client, people):
    client.force_login(people.township)
    assert any("汽车" in text for text in results(client, "/projects/pick/industries/?q=汽车"))
    codes = [text.split()[0] for text in results(client, "/projects/pick/industries/?q=C36")]
    assert codes and all(code == "C" or code.startswith("36") for code in codes) and "36" in codes
    classes = results(client, "/projects/pick/industries/?q=36&level=class")
    assert classes and all(len(text.split()[0]) == 4 for text in classes)


def test_pickers_need_a_login(client, tree):
    assert client.get("/projects/pick/units/").status_code == 302


def option_count(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    assert "data-zo-picker" in html
    return len(re.findall(r"<option", select.group(1)))


def test_the_ledger_filter_renders_only_the_chosen_unit(client, tree, people):
    for n in range(40):
        UnitFactory(parent=tree.town_b, name=f"村{n}")
    client.force_login(people.office)
    html = client.get("/projects/").content.decode()
    assert option_count(html, "unit") == 1  # 全部
    html = client.get(f"/projects/?unit={tree.town_b.pk}&industry=36").content.decode()
    assert option_count(html, "unit") == 2 and "乙镇</option>" in html
    assert option_count(html, "industry") == 2 and "36 汽车制造业" in html


def test_the_project_form_renders_only_the_chosen_units_and_people(client, tree, people):
    project = ProjectFactory(responsible_unit=tree.town_a, leader=people.clerk)
    client.force_login(people.office)
    html = client.get("/projects/new/").content.decode()
    for name in ("responsible_unit", "leader", "commissioner", "industry"):
        assert option_count(html, name) <= 1, name
    html = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert option_count(html, "leader") == 2 and ">辛晓舟</option>" in html


def test_the_project_form_refuses_an_administrator_as_leader(client, tree, people):
    from zoneops.projects.views.ledger import _form_choices

    request = type("R", (), {"user": people.office})
    assert people.admin not in _form_choices(request)["people"]
    assert people.clerk in _form_choices(request)["people"]


def test_picker_widget_ignores_values_that_are_not_keys():
    widget = PickerSelect("/x/", empty_label="全部")
    assert widget.optgroups("f", ["abc"])[0][1][0]["label"] == "全部"


def test_the_ledger_and_summary_show_money_in_the_chosen_unit(client, tree, people):
    ProjectFactory(responsible_unit=tree.town_a, name="大项目", total_investment=1_234_500_000_000)
    ProjectFactory(responsible_unit=tree.town_a, name="小项目", total_investment=5_000_000, year_plan_investment=0)
    client.force_login(people.office)
    html = client.get("/projects/").content.decode()
    assert "总投资（万元）" in html and "123,450,000.00" in html and "500.00" in html
    html = client.get("/projects/?money=yi").content.decode()
    assert "总投资（亿元）" in html and "12,345.00" in html and "0.05" in html and "12,345.05 亿元" in html
    html = client.get("/projects/summary/?money=wan").content.decode()
    assert "总投资（万元）" in html and "123,450,500.00" in html
    html = client.get("/projects/summary/").content.decode()
    assert "总投资（亿元）" in html and "12,345.05" in html
    assert not re.search(r"\d[eE][+-]\d", html)
    html = client.get(f"/projects/{ProjectFactory(responsible_unit=tree.town_a).pk}/edit/").content.decode()
    assert not re.search(r'value="[\d.]*E[+-]?\d', html)


def test_the_ledger_page_does_not_grow_with_the_number_of_units(client, tree, people, django_assert_max_num_queries):
    ProjectFactory(responsible_unit=tree.town_a)
    client.force_login(people.office)
    url = f"/projects/?unit={tree.town_a.pk}"
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        html = client.get(url).content.decode()
    size = len(html)
    for n in range(60):
        UnitFactory(parent=tree.town_b, name=f"新单位{n}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get(url).content.decode()
    assert "新单位" not in html and len(html) == size  # not one option more
