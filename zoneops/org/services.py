"""Every write to units, people, roles and grants: validated, one transaction, audited.

Each service checks the *target* against the actor's own scope: an admin of a township cannot
create units above it, move people out of it, or hand out a grant wider than their own.
"""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from zoneops.audit.services import audit_record, audit_refusals, diff_fields
from zoneops.core import hooks
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.core.models import UNCHECKED
from zoneops.org.models import Grant, Person, Role, Scope, Unit
from zoneops.org.permissions import Duty
from zoneops.org.scope import forget_grants, grants_for, may_act_on

UNIT_FIELDS = ("code", "name", "short_name", "kind", "sort_order", "is_active")
PERSON_FIELDS = ("name", "unit", "title", "phone", "email", "is_active")
ROLE_FIELDS = ("code", "name", "duty", "permissions", "description")


class SeparationOfDuties(ValidationError):
    """A 三权分立 refusal (shown on the form like a validation error, audited like a denial)."""


def admin_duties(person):
    """The admin duties (系统/安全/审计管理员) a person holds through their grants."""
    return set(person.grants.exclude(role__duty=Duty.BUSINESS).values_list("role__duty", flat=True))


def _require(actor, action, target, message):
    if not may_act_on(actor, action, target):
        raise PermissionDenied(message)


def _snapshot(instance, fields):
    return {name: getattr(instance, name) for name in fields}


# --- Units ----------------------------------------------------------------------------------

@transaction.atomic
def unit_create(*, actor, parent, code, name, kind, short_name="", sort_order=0):
    if parent is None:
        if not actor.is_system:
            raise PermissionDenied("只有系统初始化可以创建根单位。")
    else:
        _require(actor, "unit.manage", parent, "您无权在该单位下新建单位。")
    unit = Unit(parent=parent, code=code, name=name, kind=kind, short_name=short_name, sort_order=sort_order,
                path="pending/", depth=(parent.depth + 1) if parent else 0)
    unit.full_clean()
    unit.save()
    unit.path = f"{parent.path if parent else ''}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    audit_record(actor, "unit.create", unit, changes=_snapshot(unit, ("code", "name", "kind")))
    return unit


@transaction.atomic
def unit_update(*, actor, unit, expected_version, **fields):
    _require(actor, "unit.manage", unit, "您无权修改该单位。")
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    before = _snapshot(unit, UNIT_FIELDS)
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.save_versioned(expected_version=expected_version, fields=list(fields))
    audit_record(actor, "unit.update", unit, changes=diff_fields(unit, UNIT_FIELDS, before))
    return unit


@transaction.atomic
def unit_move(*, actor, unit, new_parent, expected_version=UNCHECKED):
    """Move a unit (and its subtree) under ``new_parent``; both ends must be in the actor's scope."""
    _require(actor, "unit.manage", unit, "您无权移动该单位。")
    _require(actor, "unit.manage", new_parent, "您无权把单位移动到目标单位下。")
    if new_parent.pk == unit.pk or new_parent.is_descendant_of(unit):
        raise ValidationError("不能把单位移动到它自己或它的下级单位之下。")
    old_parent, old_path = unit.parent, unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    depth_shift = new_parent.depth + 1 - unit.depth
    unit.parent = new_parent
    unit.save_versioned(expected_version=expected_version, fields=["parent"])
    from django.db.models import F

    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_shift,
    )
    unit.refresh_from_db()
    audit_record(actor, "unit.move", unit, changes={"parent": [str(old_parent), str(new_parent)]})
    return unit


# --- People ---------------------------------------------------------------------------------

def _check_password(password, person):
    validate_password(password, user=person)


@transaction.atomic
def person_create(*, actor, username, name, unit, title="", phone="", email="", password=None):
    """A new person. With a password they can sign in, and must change it at first sign-in."""
    _require(actor, "person.manage", unit, "您无权在该单位下新增人员。")
    person = Person(username=username, name=name, unit=unit, title=title, phone=phone, email=email,
                    must_change_password=True)
    person.full_clean(exclude=["password"])
    if password:
        _check_password(password, person)
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    audit_record(actor, "person.create", person,
                 changes={"username": username, "unit": str(unit), "can_sign_in": bool(password)})
    return person


@transaction.atomic
def person_update(*, actor, person, expected_version, **fields):
    _require(actor, "person.manage", person, "您无权修改该人员。")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    if "unit" in fields and fields["unit"] != person.unit:
        _require(actor, "person.manage", fields["unit"], "您无权把人员调入目标单位。")
    before = _snapshot(person, PERSON_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save_versioned(expected_version=expected_version, fields=list(fields))
    audit_record(actor, "person.update", person, changes=diff_fields(person, PERSON_FIELDS, before))
    if before["is_active"] and not person.is_active:
        hooks.credentials_revoked(actor=actor, person=person, reason="账号停用")
    return person


@audit_refusals("person.password_reset", target="person", refusals=(PermissionDenied, SeparationOfDuties))
@transaction.atomic
def person_set_password(*, actor, person, password, must_change):
    """Set a password: an admin's reset (must_change=True) or the person's own change.

    Every API token of the person ends with the old password. No administrator may set the
    password of an account holding an admin duty: that would let one admin sign in as another
    (三权分立); such an account is recovered at the console (`zoneops password reset USER`).
    """
    is_self = actor.person is not None and actor.person.pk == person.pk
    if not is_self and not actor.is_system:
        if admin_duties(person):
            raise SeparationOfDuties("三权分立：管理员账号的密码只能由本人修改，或由运维人员在服务器上用"
                                     "“zoneops password reset 登录名”重置。")
        _require(actor, "person.manage", person, "您无权重置该人员的密码。")
    _check_password(password, person)
    if is_self and person.check_password(password):
        raise ValidationError("新密码不能与当前密码相同。")
    person.set_password(password)
    person.must_change_password = must_change
    person.password_changed_at = timezone.now()
    person.save(update_fields=["password", "must_change_password", "password_changed_at", "updated_at"])
    audit_record(actor, "person.password_change" if is_self else "person.password_reset", person,
                 changes={"must_change_password": must_change})
    hooks.credentials_revoked(actor=actor, person=person, reason="修改密码" if is_self else "重置密码")
    return person


# --- Roles ----------------------------------------------------------------------------------

def _require_role_manager(actor):
    if not actor.is_system and not grants_for(actor.person, "role.manage"):
        raise PermissionDenied("您无权管理角色。")


@transaction.atomic
def role_create(*, actor, code, name, duty=Duty.BUSINESS, permissions=(), description=""):
    _require_role_manager(actor)
    role = Role(code=code, name=name, duty=duty, permissions=sorted(set(permissions)), description=description)
    role.full_clean()
    role.save()
    audit_record(actor, "role.create", role, changes=_snapshot(role, ROLE_FIELDS))
    return role


@audit_refusals("role.update", target="role", refusals=(PermissionDenied, SeparationOfDuties))
@transaction.atomic
def role_update(*, actor, role, expected_version, **fields):
    _require_role_manager(actor)
    if not actor.is_system and actor.person.grants.filter(role=role).exists():
        raise SeparationOfDuties("三权分立：不能修改自己所持有的角色，须由另一位安全管理员修改。")
    unknown = set(fields) - set(ROLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    if "permissions" in fields:
        fields["permissions"] = sorted(set(fields["permissions"]))
    before = _snapshot(role, ROLE_FIELDS)
    for name, value in fields.items():
        setattr(role, name, value)
    role.save_versioned(expected_version=expected_version, fields=list(fields))
    audit_record(actor, "role.update", role, changes=diff_fields(role, ROLE_FIELDS, before))
    return role


# --- Grants ---------------------------------------------------------------------------------

def _grant_reach(grant_scope, unit, custom_units, person):
    """The units a grant would reach, for the target check."""
    if grant_scope == Scope.CUSTOM:
        return list(custom_units)
    if grant_scope == Scope.OWN:
        return [person.unit]
    return [unit or person.unit]


def _check_duties(person, role):
    """三权分立: one person holds at most one admin duty, and an admin account holds no business role."""
    held = admin_duties(person)
    if role.duty != Duty.BUSINESS and held - {role.duty}:
        raise SeparationOfDuties("三权分立：同一人员不能同时担任系统管理员、安全管理员、审计管理员中的两种。")
    if role.duty == Duty.BUSINESS and held:
        raise SeparationOfDuties("三权分立：管理员账号不能授予业务角色，业务工作请使用单独的业务账号。")
    if role.duty != Duty.BUSINESS and person.grants.filter(role__duty=Duty.BUSINESS).exists():
        raise SeparationOfDuties("三权分立：持有业务角色的账号不能再担任管理员，请为管理员建立单独的账号。")


@audit_refusals("grant.create", target="person", refusals=(PermissionDenied, SeparationOfDuties))
@transaction.atomic
def grant_create(*, actor, person, role, scope, unit=None, custom_units=()):
    custom_units = list(custom_units)
    if scope not in Scope.values:
        raise ValidationError("数据范围无效。")
    if scope == Scope.CUSTOM and not custom_units:
        raise ValidationError("自定义数据范围至少要选择一个单位。")
    if scope != Scope.CUSTOM and custom_units:
        raise ValidationError("只有自定义数据范围可以选择单位列表。")
    if not actor.is_system:
        if not grants_for(actor.person, "grant.manage"):
            raise PermissionDenied("您无权授权。")
        if actor.person.pk == person.pk:
            raise PermissionDenied("不能给自己授权。")
        _require(actor, "grant.manage", person.unit, "该人员不在您的管理范围内。")
        if scope == Scope.ALL and not any(g.scope == Scope.ALL for g in grants_for(actor.person, "grant.manage")):
            raise PermissionDenied("您的授权范围不是“全部”，不能授予“全部”数据范围。")
        for target in _grant_reach(scope, unit, custom_units, person):
            _require(actor, "grant.manage", target, f"授权范围超出了您的管理范围：{target}。")
    _check_duties(person, role)
    grant = Grant(person=person, role=role, scope=scope, unit=unit,
                  granted_by=None if actor.is_system else actor.person)
    grant.full_clean()
    grant.save()
    if custom_units:
        grant.custom_units.set(custom_units)
    forget_grants(person)
    audit_record(actor, "grant.create", grant, changes={
        "person": str(person), "role": role.code, "scope": scope,
        "unit": str(unit) if unit else "", "custom_units": [str(u) for u in custom_units],
    })
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant):
    if not actor.is_system:
        if not grants_for(actor.person, "grant.manage"):
            raise PermissionDenied("您无权撤销授权。")
        _require(actor, "grant.manage", grant.person.unit, "该人员不在您的管理范围内。")
    audit_record(actor, "grant.revoke", grant, changes={
        "person": str(grant.person), "role": grant.role.code, "scope": grant.scope,
    })
    person = grant.person
    grant.delete()
    forget_grants(person)
