"""Writes of the intake's memory: templates and unit aliases (validate, one transaction, audit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied
from zoneops.exchange.intake import engine
from zoneops.exchange.intake.catalogue import catalogue, signature_label
from zoneops.exchange.intake.engine import header_signature
from zoneops.exchange.intake.normalize import MONEY_UNITS
from zoneops.exchange.models import IntakeTemplate, UnitAlias
from zoneops.org.scope import may_act_on


def _owner(actor, unit, permission):
    unit = unit or (actor.person.unit if actor.person is not None else None)
    if unit is None:
        raise ValidationError("请指定模板所属单位。")
    if not may_act_on(actor, permission, unit):
        raise PermissionDenied("您无权为该单位保存导入设置。")
    return unit


@transaction.atomic
def template_save(*, actor, kind, name, labels, mapping, money_unit, unit=None):
    """Save (or replace, by unit + kind + name) the confirmed mapping of a sheet: ``labels`` are its
    flattened headers, ``mapping`` {column index: field key}. Returns the template."""
    spec = catalogue(kind)
    unit = _owner(actor, unit, spec.permission)
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError({"name": "请填写模板名称。"})
    if money_unit not in MONEY_UNITS:
        raise ValidationError({"money_unit": "金额单位应为元、万元或亿元。"})
    unknown = {key for key in mapping.values() if key and spec.field(key) is None}
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}。")
    columns = {labels[int(index)]: key for index, key in mapping.items() if key and labels[int(index)]}
    template, created = IntakeTemplate.objects.update_or_create(
        unit=unit, kind=kind, name=name,
        defaults={"columns": columns, "money_unit": money_unit, "header_signature": header_signature(labels),
                  "created_by": actor.person})
    audit_record(actor, "intake.template_save", template,
                 changes={"columns": columns, "money_unit": money_unit, "created": created})
    return template


@transaction.atomic
def alias_save(*, actor, alias, target, unit=None, permission="project.edit"):
    """Remember that ``alias`` in this unit's sheets means ``target`` (a unit the actor may act on)."""
    unit = _owner(actor, unit, permission)
    alias = (alias or "").strip()[:100]
    if not alias:
        raise ValidationError({"alias": "请填写表格中的写法。"})
    if not may_act_on(actor, permission, target):
        raise PermissionDenied("您无权使用该单位。")
    row, created = UnitAlias.objects.update_or_create(unit=unit, alias=alias, defaults={
        "target": target, "created_by": actor.person})
    audit_record(actor, "intake.alias_save", row, changes={"alias": alias, "target": target.name, "created": created})
    return row


def templates_for(actor, kind):
    """The templates of ``kind`` the actor may use (in scope for the catalogue's permission)."""
    queryset = IntakeTemplate.objects.filter(kind=kind).select_related("unit")
    if actor.is_system:
        return queryset.unscoped()  # the command line is trusted like the machine
    return queryset.restrict(actor.person, catalogue(kind).permission)


def template_matching(actor, kind, labels):
    """The template whose mapped headers are all in ``labels`` (figures blurred), the actor's own unit's
    first, then the newest; None when none fits."""
    present = {signature_label(label) for label in labels if label}
    own = actor.person.unit_id if actor.person is not None else None
    candidates = sorted(templates_for(actor, kind), key=lambda t: (t.unit_id != own, -t.updated_at.timestamp()))
    for template in candidates:
        if template.columns and all(signature_label(label) in present for label in template.columns):
            return template
    return None


def apply_template(template, labels):
    """{column index: field key} of ``template`` on a sheet with ``labels``."""
    wanted = {signature_label(label): key for label, key in template.columns.items()}
    return {index: wanted[signature_label(label)] for index, label in enumerate(labels)
            if label and signature_label(label) in wanted}


def aliases_for(actor, permission="project.edit"):
    """{alias: target unit} the actor's sheets may use: aliases of units in scope, the own unit's winning."""
    queryset = UnitAlias.objects.select_related("target")
    if not actor.is_system:
        queryset = queryset.restrict(actor.person, permission).filter(
            Q(target__in=_units_in_scope(actor, permission)))
    else:
        queryset = queryset.unscoped()  # the command line is trusted like the machine
    own = actor.person.unit_id if actor.person is not None else None
    found = {}
    for row in sorted(queryset, key=lambda r: r.unit_id == own):  # own unit's last: it wins
        found[row.alias] = row.target
    return found


def _units_in_scope(actor, permission):
    from zoneops.org.models import Unit

    return Unit.objects.restrict(actor.person, permission)


# --- The flow: read, map, confirm ---------------------------------------------------------------

def prepare(file, *, kind, actor, filename="", template=None, mapping=None, money_unit=None):
    """Read a sheet and map it: ``mapping`` ({column index: field}) as chosen, else ``template``'s, else
    the template of the actor's units whose headers the sheet has, else the engine's proposal. The money
    unit: as chosen, else as the sheet states it, else the template's, else 万元.
    Returns (analysis, the template used or None); raises engine.SheetError."""
    spec = catalogue(kind)
    rows, merged = engine.read_sheet(file, name=filename)
    analysis = engine.analyse(rows, merged, spec, money_unit=money_unit)
    used = None
    if mapping is None:
        used = template or template_matching(actor, kind, analysis.labels)
        if used is not None:
            mapping = apply_template(used, analysis.labels)
            if money_unit is None and not analysis.money_unit_found:
                money_unit = used.money_unit
    if mapping is not None or money_unit is not None:
        analysis = engine.analyse(rows, merged, spec, mapping=mapping if mapping is not None else analysis.mapping(),
                                  money_unit=money_unit or analysis.money_unit)
    return analysis, used


def confirm(analysis, *, kind, actor, decisions=None, excluded=(), versions=None, template_name=""):
    """Import the mapped sheet through the table's importer; when it is written, remember the unit
    aliases the user chose and save the mapping as ``template_name`` (all in one transaction).
    Returns the importer's plan (``ok`` False: nothing written)."""
    spec = catalogue(kind)
    decisions = decisions or {}
    with transaction.atomic():
        result = spec.importer.commit(analysis, actor=actor, decisions=decisions, excluded=excluded,
                                      versions=versions)
        if not (result.created or result.updated):
            return result
        owner = actor.person.unit if actor.person is not None else None
        if owner is not None:
            units = _units_in_scope(actor, spec.permission).filter(
                pk__in=[pk for key, pk in decisions.items() if key.startswith("unit:") and pk])
            by_pk = {str(unit.pk): unit for unit in units}
            for key, pk in decisions.items():
                if key.startswith("unit:") and str(pk) in by_pk:
                    alias_save(actor=actor, alias=key.removeprefix("unit:"), target=by_pk[str(pk)],
                               permission=spec.permission)
            if template_name:
                template_save(actor=actor, kind=kind, name=template_name, labels=analysis.labels,
                              mapping=analysis.mapping(), money_unit=analysis.money_unit)
    return result
