"""The intake's memory (templates and unit aliases): refused without a unit, a permission, a name, a
known money unit or known fields, and nothing saved then; a template supplies the money unit a sheet
does not state."""

import io

import pytest
from django.core.exceptions import ValidationError

from zoneops.audit.context import Actor
from zoneops.core.errors import PermissionDenied
from zoneops.exchange.intake import services as intake
from zoneops.exchange.models import IntakeTemplate, UnitAlias
from zoneops.exchange.tests.sheets import zone_sheet
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant

pytestmark = pytest.mark.django_db

LABELS = ["序号", "项目名称", "总投资"]


@pytest.fixture
def township(tree):
    person = PersonFactory(unit=tree.town_a)
    grant(person, "township", scope=Scope.UNIT)
    return Actor(person=person)


def _save(actor, **changes):
    values = {"kind": "projects", "name": "月报", "labels": LABELS, "mapping": {"1": "name", "2": "total_investment"},
              "money_unit": "万元"} | changes
    return intake.template_save(actor=actor, **values)


def test_a_template_is_saved_for_the_own_unit_and_replaced_by_name(township, tree):
    template = _save(township)
    assert template.unit == tree.town_a and template.columns == {"项目名称": "name", "总投资": "total_investment"}
    assert _save(township, money_unit="亿元").pk == template.pk
    assert IntakeTemplate.objects.get().money_unit == "亿元"


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": "  "}, "请填写模板名称"),
    ({"money_unit": "千元"}, "金额单位应为元、万元或亿元"),
    ({"mapping": {"1": "no_such_field"}}, "未知字段：no_such_field"),
])
def test_a_template_with_a_bad_value_is_refused(township, changes, message):
    with pytest.raises(ValidationError) as refused:
        _save(township, **changes)
    assert message in str(refused.value)
    assert not IntakeTemplate.objects.exists()


def test_a_template_needs_a_unit_the_actor_may_import_for(township, tree):
    with pytest.raises(PermissionDenied):
        _save(township, unit=tree.town_b)
    with pytest.raises(ValidationError, match="请指定模板所属单位"):
        _save(Actor.system())  # the command line names no unit of its own
    assert not IntakeTemplate.objects.exists()


def test_an_alias_needs_text_and_a_target_in_scope(township, tree):
    with pytest.raises(ValidationError, match="请填写表格中的写法"):
        intake.alias_save(actor=township, alias=" ", target=tree.town_a)
    with pytest.raises(PermissionDenied, match="您无权使用该单位"):
        intake.alias_save(actor=township, alias="乙镇", target=tree.town_b)
    assert not UnitAlias.objects.exists()
    intake.alias_save(actor=township, alias="甲", target=tree.town_a)
    assert intake.aliases_for(township) == {"甲": tree.town_a}


def test_the_template_supplies_the_money_unit_a_sheet_does_not_state(township, tree):
    data = zone_sheet(unit="", scale=10_000)  # a sheet in 亿元 that never says so
    analysis, used = intake.prepare(io.BytesIO(data), kind="projects", actor=township, filename="a.xlsx")
    assert used is None and not analysis.money_unit_found and analysis.money_unit == "万元"
    intake.template_save(actor=township, kind="projects", name="亿元表", labels=analysis.labels,
                         mapping=analysis.mapping(), money_unit="亿元")
    analysis, used = intake.prepare(io.BytesIO(data), kind="projects", actor=township, filename="a.xlsx")
    assert used is not None and used.name == "亿元表" and analysis.money_unit == "亿元"
