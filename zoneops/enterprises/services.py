"""Every write of the enterprise registry: validated, one transaction, audited, scope-checked.

Duplicates: a 统一社会信用代码 already in the registry is refused; a name whose comparison key
(names.name_key) equals an existing enterprise's current or former name is refused unless the caller
confirms that it is a different enterprise (``confirm_similar=True``). The check reads the whole
registry, whatever the actor's scope, and names only the rows the actor may see.
"""

from dataclasses import dataclass

from django.db import transaction

from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.enterprises.choices import FLAG_LABELS
from zoneops.enterprises.models import Contact, Enterprise, FormerName
from zoneops.enterprises.names import name_key
from zoneops.org.scope import may_act_on

ENTERPRISE_FIELDS = ("uscc", "name", "region", "industry", "flags", "address", "note", "unit")
MAX_CONTACTS = 20
MAX_FORMER_NAMES = 20


@dataclass(frozen=True)
class Duplicate:
    enterprise: Enterprise
    reason: str  # "code", "name" or "former_name"

    @property
    def reason_label(self):
        return {"code": "统一社会信用代码相同", "name": "名称相近", "former_name": "与其曾用名相近"}[self.reason]


def enterprise_find_duplicates(*, name="", code="", exclude=None):
    """Enterprises that are probably the same as one with ``name`` and ``code``, over the whole registry
    (unscoped: a duplicate must be caught even where the caller may not see it; callers show only what
    the user may see). Three indexed equality lookups: code, name key, former-name key."""
    found = {}
    others = Enterprise.objects.unscoped()  # unscoped: dedup looks at the whole registry (see above)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    code = (code or "").strip().upper()
    if code:
        # .exclude(uscc="") repeats the partial unique index's condition, so the database can use it.
        for enterprise in others.filter(uscc=code).exclude(uscc="")[:10]:
            found.setdefault(enterprise.pk, Duplicate(enterprise, "code"))
    key = name_key(name)
    if key:
        for enterprise in others.filter(name_key=key)[:10]:
            found.setdefault(enterprise.pk, Duplicate(enterprise, "name"))
        former = FormerName.objects.filter(name_key=key).values_list("enterprise_id", flat=True)[:10]
        for enterprise in others.filter(pk__in=list(former)):
            found.setdefault(enterprise.pk, Duplicate(enterprise, "former_name"))
    return list(found.values())


class DuplicateEnterprise(ValidationError):
    """Creating or renaming would duplicate ``duplicates``; ``similar_only`` when no code collides (the
    caller may confirm and go on)."""

    def __init__(self, errors, duplicates):
        super().__init__(errors)
        self.duplicates = duplicates
        self.similar_only = all(duplicate.reason != "code" for duplicate in duplicates)


def _describe(duplicate, actor):
    if actor.is_system or may_act_on(actor, "enterprise.view", duplicate.enterprise):
        return f"“{duplicate.enterprise.name}”（{duplicate.reason_label}，{duplicate.enterprise.get_absolute_url()}）"
    return f"一家不在您数据范围内的企业（{duplicate.reason_label}，请联系其登记单位）"


def _refuse_duplicates(actor, enterprise, former_names, confirm_similar):
    duplicates = enterprise_find_duplicates(name=enterprise.name, code=enterprise.uscc,
                                            exclude=enterprise if enterprise.pk else None)
    for former in former_names:
        duplicates += [duplicate for duplicate in enterprise_find_duplicates(
            name=former, exclude=enterprise if enterprise.pk else None)
            if duplicate.enterprise.pk not in {known.enterprise.pk for known in duplicates}]
    by_code = [duplicate for duplicate in duplicates if duplicate.reason == "code"]
    if by_code:
        raise DuplicateEnterprise({"uscc": f"企业库中已有该统一社会信用代码：{_describe(by_code[0], actor)}。"},
                                  duplicates)
    if duplicates and not confirm_similar:
        names = "；".join(_describe(duplicate, actor) for duplicate in duplicates)
        message = f"企业库中已有名称相近的企业：{names}。如确认不是同一企业，请勾选“确认不是同一企业”后再保存。"
        raise DuplicateEnterprise({"name": message}, duplicates)


def _clean_lists(former_names, contacts):
    former = []
    for value in former_names or ():
        value = (value or "").strip()
        if value and value not in former:
            former.append(value[:200])
    if len(former) > MAX_FORMER_NAMES:
        raise ValidationError({"former_names": f"曾用名最多{MAX_FORMER_NAMES}个。"})
    rows = []
    for contact in contacts or ():
        name = (contact.get("name") or "").strip()
        title = (contact.get("title") or "").strip()
        phone = (contact.get("phone") or "").strip()
        if not (name or phone):
            continue
        if not name:
            raise ValidationError({"contacts": "联系人应填写姓名。"})
        if any("\x00" in value for value in (name, title, phone)):
            raise ValidationError({"contacts": "联系人含有非法字符。"})
        if len(name) > 50 or len(title) > 50 or len(phone) > 30:
            raise ValidationError({"contacts": "联系人姓名、职务不超过50字，电话不超过30字。"})
        rows.append({"name": name, "title": title, "phone": phone})
    if len(rows) > MAX_CONTACTS:
        raise ValidationError({"contacts": f"联系人最多{MAX_CONTACTS}个。"})
    return former, rows


def _prepare(enterprise, flags):
    enterprise.name = (enterprise.name or "").strip()
    enterprise.uscc = (enterprise.uscc or "").strip().upper().replace(" ", "")  # the validator checks the rest
    if flags is not None:
        unknown = set(flags) - set(FLAG_LABELS)
        if unknown:
            raise ValidationError({"flags": f"未知的企业标签：{'、'.join(sorted(unknown))}。"})
        enterprise.flag_list = flags
    enterprise.refresh_keys()
    if not enterprise.uscc and "foreign" not in enterprise.flag_list:
        raise ValidationError({"uscc": "请填写统一社会信用代码（境外投资者请勾选“外资”标签后可不填）。"})
    enterprise.full_clean(exclude={"unit", "region", "industry", "created_by"}, validate_unique=False,
                          validate_constraints=False)


def _save_children(enterprise, former_names, contacts):
    if former_names is not None:
        enterprise.former_names.all().delete()
        FormerName.objects.bulk_create(FormerName(enterprise=enterprise, name=name, name_key=name_key(name))
                                       for name in former_names)
    if contacts is not None:
        enterprise.contacts.all().delete()
        Contact.objects.bulk_create(Contact(enterprise=enterprise, **row) for row in contacts)


def _contact_changes(contacts):
    """What the audit keeps of contacts: names and titles, never the phone numbers."""
    return [f"{row['name']} {row['title']}".strip() for row in contacts]


@transaction.atomic
def enterprise_create(*, actor, unit, name, uscc="", region=None, industry=None, flags=(), address="", note="",
                      former_names=(), contacts=(), confirm_similar=False):
    if unit is None:
        raise ValidationError({"unit": "请选择登记单位。"})
    if not may_act_on(actor, "enterprise.edit", unit):
        raise PermissionDenied("您无权在该单位下登记企业。")
    former, contact_rows = _clean_lists(former_names, contacts)
    enterprise = Enterprise(unit=unit, name=name, uscc=uscc, region=region, industry=industry, address=address,
                            note=note, created_by=actor.person)
    _prepare(enterprise, flags)
    _refuse_duplicates(actor, enterprise, former, confirm_similar)
    enterprise.save()
    _save_children(enterprise, former, contact_rows)
    audit_record(actor, "enterprise.create", enterprise,
                 changes={"name": enterprise.name, "uscc": enterprise.uscc, "unit": str(unit),
                          "flags": enterprise.flag_labels, "former_names": former,
                          "contacts": _contact_changes(contact_rows)})
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise, expected_version, former_names=None, contacts=None,
                      confirm_similar=False, **fields):
    """Change fields (ENTERPRISE_FIELDS; ``flags`` as a list of codes), and replace the former names or
    contacts when given. Checked against ``expected_version``."""
    unknown = set(fields) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    if not may_act_on(actor, "enterprise.edit", enterprise):
        raise PermissionDenied("您无权修改该企业。")
    if "unit" in fields and fields["unit"] != enterprise.unit and not may_act_on(actor, "enterprise.edit",
                                                                                  fields["unit"]):
        raise PermissionDenied("您无权把企业移交给目标单位。")
    flags = fields.pop("flags", None)
    before = {name: getattr(enterprise, name) for name in (*fields, "flags")}
    before_former = [former.name for former in enterprise.former_names.all()]
    former, contact_rows = _clean_lists(former_names, contacts)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    _prepare(enterprise, flags)
    renamed = {"name", "uscc"} & set(fields) or (former_names is not None and former != before_former)
    if renamed:
        _refuse_duplicates(actor, enterprise, former if former_names is not None else before_former,
                           confirm_similar)
    enterprise.save_versioned(expected_version=expected_version,
                              fields=[*fields, "flags", "name_key", "initials"])
    _save_children(enterprise, former if former_names is not None else None,
                   contact_rows if contacts is not None else None)
    changes = {name: [str(before[name]), str(getattr(enterprise, name))]
               for name in before if before[name] != getattr(enterprise, name)}
    if former_names is not None and former != before_former:
        changes["former_names"] = [before_former, former]
    if contacts is not None:
        changes["contacts"] = _contact_changes(contact_rows)
    audit_record(actor, "enterprise.update", enterprise, changes=changes)
    return enterprise
