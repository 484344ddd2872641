"""Registering and editing enterprises: dedup by code and by near-identical name, scope, versions, audit."""

import pytest

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import ConflictError, PermissionDenied, ValidationError
from zoneops.enterprises import services
from zoneops.enterprises.models import Enterprise
from zoneops.enterprises.services import DuplicateEnterprise, enterprise_find_duplicates
from zoneops.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def _create(actor, unit, **fields):
    return services.enterprise_create(actor=actor, unit=unit, **fields)


def test_code_is_validated_and_required_unless_foreign(tree):
    with pytest.raises(ValidationError) as refused:
        _create(SYSTEM, tree.town_a, name="校验位错误有限公司", uscc="91110000600037341M")
    assert "uscc" in refused.value.message_dict
    with pytest.raises(ValidationError) as missing:
        _create(SYSTEM, tree.town_a, name="无代码有限公司")
    assert "uscc" in missing.value.message_dict
    foreign = _create(SYSTEM, tree.town_a, name="Siemens AG", flags=["foreign", "global500"])
    assert foreign.uscc == "" and foreign.flag_labels == ["世界500强", "外资"]
    lower = _create(SYSTEM, tree.town_a, name="小写代码有限公司", uscc="91110108551385082q")
    assert lower.uscc == "91110108551385082Q"


def test_same_code_is_refused_whatever_the_name(world):
    with pytest.raises(DuplicateEnterprise) as refused:
        _create(SYSTEM, world.ours.unit, name="完全不同的名字有限公司", uscc=world.ours.uscc, confirm_similar=True)
    assert "uscc" in refused.value.message_dict and not refused.value.similar_only
    assert f"/enterprises/{world.ours.pk}/" in refused.value.message_dict["uscc"][0]


@pytest.mark.parametrize("variant", ["甲镇华阳食品有限责任公司", "甲镇华阳食品股份有限公司", "甲镇华阳食品（有限公司）",
                                     "甲鎮華陽食品有限公司", "甲镇 华阳食品 有限公司"])
def test_near_identical_name_is_refused_until_confirmed(world, variant):
    with pytest.raises(DuplicateEnterprise) as refused:
        _create(SYSTEM, world.ours.unit, name=variant, uscc="914403001922038216")
    assert refused.value.similar_only
    assert [d.enterprise for d in refused.value.duplicates] == [world.ours]
    assert world.ours.get_absolute_url() in refused.value.message_dict["name"][0]
    confirmed = _create(SYSTEM, world.ours.unit, name=variant, uscc="914403001922038216", confirm_similar=True)
    assert confirmed.name_key == world.ours.name_key


def test_former_names_are_caught_both_ways(world):
    renamed = _create(SYSTEM, world.ours.unit, name="秦川新材料有限公司", uscc="914403001922038216",
                      former_names=["渭南秦川化工有限责任公司"])
    found = enterprise_find_duplicates(name="渭南秦川化工有限公司")
    assert [(d.enterprise, d.reason) for d in found] == [(renamed, "former_name")]
    with pytest.raises(DuplicateEnterprise):  # a new one whose former name is an existing name
        _create(SYSTEM, world.ours.unit, name="全新名称有限公司", uscc="91440300708461136T",
                former_names=["甲镇华阳食品有限公司"])


def test_duplicate_outside_scope_is_caught_without_naming_it(world):
    actor = Actor(person=world.township, ip="")
    with pytest.raises(DuplicateEnterprise) as refused:
        _create(actor, world.ours.unit, name="乙镇远航物流有限责任公司", uscc="91440300708461136T")
    message = refused.value.message_dict["name"][0]
    assert "不在您数据范围内" in message and "乙镇远航物流" not in message and str(world.theirs.pk) not in message


def test_find_duplicates_by_code_and_key(world):
    assert [d.reason for d in enterprise_find_duplicates(code=world.theirs.uscc)] == ["code"]
    assert [d.enterprise for d in enterprise_find_duplicates(name="乙鎮遠航物流有限公司")] == [world.theirs]
    assert enterprise_find_duplicates(name="乙镇远航物流", exclude=world.theirs) == []
    assert enterprise_find_duplicates(name="", code="") == []


def test_scope_of_writes(world, tree):
    township = Actor(person=world.township, ip="")
    with pytest.raises(PermissionDenied):
        _create(township, tree.town_b, name="越权企业有限公司", uscc="914403001922038216")
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=township, enterprise=world.theirs, expected_version=1, note="x")
    projects = Actor(person=world.projects, ip="")  # 项目管理 holds no enterprise permission
    with pytest.raises(PermissionDenied):
        _create(projects, tree.town_a, name="无权企业有限公司", uscc="914403001922038216")


def test_update_checks_version_dedup_and_is_audited(world):
    actor = Actor(person=world.investment, ip="")
    updated = services.enterprise_update(actor=actor, enterprise=world.ours, expected_version=1,
                                         name="甲镇华阳食品集团有限公司", flags=["listed", "soe"],
                                         former_names=["甲镇华阳食品有限公司"])
    assert updated.version == 2 and updated.flag_list == ["listed", "soe"]
    assert updated.name_key == "甲镇华阳食品集团"
    assert Enterprise.objects.unscoped().filter(flags__contains=",soe,").get() == updated
    with pytest.raises(ConflictError):
        services.enterprise_update(actor=actor, enterprise=updated, expected_version=1, note="stale")
    with pytest.raises(DuplicateEnterprise):
        services.enterprise_update(actor=actor, enterprise=world.theirs, expected_version=1,
                                   name="甲镇华阳食品集团股份有限公司")
    entry = AuditEntry.objects.filter(action="enterprise.update").latest("pk")
    assert entry.changes["name"] == ["甲镇华阳食品有限公司", "甲镇华阳食品集团有限公司"]


def test_audit_keeps_no_phone_numbers(world):
    entry = AuditEntry.objects.filter(action="enterprise.create", object_id=str(world.ours.pk)).get()
    assert entry.changes["contacts"] == ["张经理 总经理"]
    assert "13912345678" not in str(entry.changes)


def test_contacts_need_a_name_and_flags_must_be_known(tree):
    with pytest.raises(ValidationError):
        EnterpriseFactory(unit=tree.town_a, contacts=[{"name": "", "phone": "13900000000"}])
    with pytest.raises(ValidationError):
        EnterpriseFactory(unit=tree.town_a, flags=["foreign", "top10"])
    with pytest.raises(ValidationError):
        EnterpriseFactory(unit=tree.town_a, name="含\x00字符")
