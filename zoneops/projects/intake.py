"""The project ledger's field catalogue for the intake, and its importer.

A zone's own 重点项目建设进度表 is read by the mapping engine (``zoneops.exchange.intake.engine``);
this module says what its columns may mean (names and synonyms), resolves the names in its cells
within the importer's scope (责任单位 by name, code, 简称 or a remembered alias; 包联领导 and 项目专员 by
name, login or “张副主任”: surname and title), matches each row to an existing project (项目代码, else
项目名称 + 责任单位) and writes through the same services as the form: ``services.project_import``
for new projects, ``services.project_import_update`` for existing ones, in one transaction.

Section headings set: “续建” → 阶段 开工 (construction has begun; 纳统
is not assumed), “新开工/新建” → 建设性质 新建, “前期” → 阶段 前期, “储备” → 阶段 储备 — for new projects
only, and a stage only for an importer who may change stages; a column in the row wins over the heading.
An existing project's stage is never changed by an import (the stage form does that).
"""

import sys
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from zoneops.core.models import IndustryCode
from zoneops.exchange.intake import engine, normalize
from zoneops.exchange.intake.catalogue import (
    CHOICE,
    DATE,
    LEVELS,
    MONEY,
    PERSON,
    TEXT,
    UNIT,
    Catalogue,
    Field,
    register,
)
from zoneops.exchange.intake.services import aliases_for
from zoneops.org.models import Person, Unit
from zoneops.org.scope import has_permission
from zoneops.projects import services
from zoneops.projects.choices import LEVEL_FIELDS_BY_CODE, BuildNature, Stage
from zoneops.projects.exchange import parse_levels
from zoneops.projects.models import Project

CATALOGUE = register(Catalogue(
    kind="projects", label="项目库", permission="project.edit", key_fields=("name",),
    fields=(
        Field("name", "项目名称", synonyms=("名称", "项目", "项目全称", "项目名"), required=True),
        Field("code", "项目代码", synonyms=("统一项目代码", "项目统一代码", "备案代码", "项目编码", "备案编号",
                                                 "审批代码")),
        Field("enterprise", "项目业主", synonyms=("建设单位", "业主单位", "项目单位", "实施单位", "项目建设单位",
                                             "企业名称", "投资主体", "项目法人"), required=True),
        Field("responsible_unit", "责任单位", UNIT, synonyms=("属地单位", "所属园区", "牵头单位", "责任部门", "属地",
                                                          "所在园区", "所属单位", "责任主体"), required=True),
        Field("industry", "国民经济行业", synonyms=("行业代码", "国民经济行业代码", "行业分类")),
        Field("build_nature", "建设性质", CHOICE, choices=tuple(BuildNature.choices)),
        Field("levels", "项目级别", LEVELS, synonyms=("重点级别", "级别")),
        Field("stage", "阶段", CHOICE, synonyms=("项目阶段", "建设阶段", "项目状态"), choices=tuple(Stage.choices)),
        Field("total_investment", "总投资", MONEY, synonyms=("计划总投资", "项目总投资", "估算总投资", "总投资额"),
              required=True),
        Field("year_plan_investment", "本年计划投资", MONEY, synonyms=("年度计划投资", "本年计划", "年度计划",
                                                                  "年度投资计划", "本年投资计划")),
        Field("investment_before", "以前年度完成投资", MONEY, synonyms=("截至上年底累计完成投资", "上年底累计完成投资",
                                                                 "以前年度累计完成投资")),
        Field("planned_start", "计划开工", DATE, synonyms=("开工时间", "开工日期", "计划开工时间", "计划开工日期")),
        Field("planned_completion", "计划竣工", DATE, synonyms=("竣工时间", "竣工日期", "计划竣工时间", "计划竣工日期",
                                                          "完工时间", "计划完工时间")),
        Field("location", "建设地点", synonyms=("项目地点", "建设地址", "项目选址")),
        Field("content", "建设内容", synonyms=("建设内容及规模", "建设规模及内容", "主要建设内容", "建设规模")),
        Field("leader", "包联领导", PERSON, synonyms=("包抓领导", "联系领导", "包联县级领导", "分管领导",
                                                      "包抓县级领导")),
        Field("commissioner", "项目专员", PERSON, synonyms=("帮办专员", "服务专员", "项目联络员", "包联专员")),
    ),
    section_hints=(
        (r"续建", {"stage": Stage.STARTED}),
        (r"新开工|新建", {"build_nature": BuildNature.NEW}),
        (r"前期", {"stage": Stage.PREPARING}),
        (r"储备", {"stage": Stage.RESERVE}),
    ),
))


# --- Parsing the cells the engine does not know ----------------------------------------------

PARSERS = {
    LEVELS: lambda _spec, value: parse_levels(value),
    UNIT: lambda _spec, value: normalize.text(value),
    PERSON: lambda _spec, value: normalize.text(value),
    TEXT: lambda _spec, value: normalize.text(value),
}


# --- The plan ----------------------------------------------------------------------------------

@dataclass
class Unresolved:
    """A name in the sheet that points to no unit or person (or to several): asked once."""

    kind: str  # "unit" or "person"
    text: str
    rows: list
    suggestions: list  # [(pk, label)]
    ambiguous: bool = False

    @property
    def key(self):
        return f"{self.kind}:{self.text}"


@dataclass
class PlannedRow:
    number: int
    values: dict
    project: Project | None = None  # the existing project it updates
    instance: Project | None = None
    issues: list = field(default_factory=list)  # messages for the row
    excluded: bool = False
    failed: set = field(default_factory=set)  # fields whose cell did not parse

    @property
    def action(self):
        return "排除" if self.excluded else "有误" if self.issues else "更新" if self.project else "新建"


@dataclass
class Plan:
    analysis: engine.Analysis
    rows: list
    unresolved: list
    totals: list  # (label, 合计 in 元, sum in 元)
    created: int = 0
    updated: int = 0  # existing projects matched and written
    changed: int = 0  # of which something changed
    problems: list = field(default_factory=list)  # whole-sheet problems

    @property
    def active(self):
        return [row for row in self.rows if not row.excluded]

    @property
    def ok(self):
        return not self.problems and not any(row.issues for row in self.active) and bool(self.active)

    @property
    def new_count(self):
        return sum(1 for row in self.active if row.project is None)

    @property
    def update_count(self):
        return sum(1 for row in self.active if row.project is not None)

    def versions(self):
        return {str(row.project.pk): row.project.version for row in self.active if row.project is not None}


def plan(analysis, *, actor, decisions=None, excluded=(), versions=None, write=False):
    """Resolve, match and check every record of ``analysis`` (already mapped). ``decisions`` maps an
    Unresolved.key to a pk ("" = leave empty); ``excluded`` are sheet row numbers left out;
    ``versions`` the {project id: version} of the dry run the user confirmed. With ``write`` and no
    problem, writes inside the caller's transaction and fills ``created``/``updated``."""
    decisions = decisions or {}
    records = engine.read_records(analysis, CATALOGUE, PARSERS)
    may_stage = actor.is_system or has_permission(actor.person, "project.stage")
    rows = []
    for record in records:
        values = dict(record.values)
        if not may_stage and "stage" in record.hints and "stage" not in record.raw:
            values.pop("stage", None)
        row = PlannedRow(record.number, values, excluded=record.number in excluded)
        row.issues = [message for message in record.errors.values()]
        row.failed = set(record.errors)
        rows.append(row)
    result = Plan(analysis, rows, [], [])
    missing = [spec.label for spec in CATALOGUE.fields if spec.required and spec.key not in analysis.mapping().values()]
    if missing:
        result.problems.append(f"未对应必填字段：{'、'.join(missing)}。请在列对应中选择。")
        return result
    _resolve(result, actor, decisions)
    _match_existing(result, actor)
    _check(result, actor, versions or {}, write)
    result.totals = engine.money_totals(analysis, CATALOGUE)
    return result


def _resolve(result, actor, decisions):
    rows = [row for row in result.rows if not row.excluded]
    units = _unit_index(actor)
    people = _person_index(actor, rows)
    industries = {code.pk: code for code in IndustryCode.objects.filter(
        code__in={normalize.text(row.values["industry"]).split(" ")[0] for row in rows if row.values.get("industry")})}
    asked = {}
    for row in rows:
        for key in ("responsible_unit", "leader", "commissioner"):
            text = row.values.get(key)
            if not isinstance(text, str) or key in row.failed:
                continue
            kind = "unit" if key == "responsible_unit" else "person"
            decided = decisions.get(f"{kind}:{text}")
            if decided is not None:
                found = _decided(kind, decided, units if kind == "unit" else people)
            else:
                found = units.find(text) if kind == "unit" else people.find(text)
            if isinstance(found, Unit | Person):
                row.values[key] = found
                continue
            row.values[key] = None
            if decided == "":
                continue  # left empty on purpose
            entry = asked.get((kind, text))
            if entry is None:
                suggestions = found if isinstance(found, list) else []
                entry = asked[(kind, text)] = Unresolved(kind, text, [], suggestions, ambiguous=bool(suggestions))
                result.unresolved.append(entry)
            entry.rows.append(row.number)
            label = CATALOGUE.field(key).label
            row.issues.append(f"“{label}”中的“{text}”{'对应多个' if entry.ambiguous else '找不到对应的'}"
                              f"{'单位' if kind == 'unit' else '人员'}，请选择对应项、留空或排除此行")
        industry = row.values.get("industry")
        if isinstance(industry, str):
            code = industry.split(" ")[0].upper()
            row.values["industry"] = industries.get(code)
            if row.values["industry"] is None:
                row.issues.append(f"找不到行业代码“{industry}”（GB/T 4754-2017）")


def _decided(kind, pk, index):
    if pk == "":
        return None
    return index.by_pk.get(str(pk))


@dataclass
class _Units:
    by_pk: dict
    names: dict
    aliases: dict

    def find(self, text):
        """A unit, or a list of (pk, label) suggestions (several or an abbreviation), or None."""
        if text in self.aliases:
            return self.aliases[text]
        found = self.names.get(text)
        if isinstance(found, Unit):
            return found
        candidates = found or [unit for unit in self.by_pk.values() if normalize.abbreviation_of(text, unit.name)]
        return [(unit.pk, unit.name) for unit in candidates] or None


def _unit_index(actor):
    queryset = Unit.objects.filter(is_active=True)
    queryset = queryset.unscoped() if actor.is_system else queryset.restrict(actor.person, "project.edit")
    units = list(queryset)
    names = {}
    for unit in units:
        for key in {unit.name, unit.code, unit.short_name} - {""}:
            names.setdefault(key, []).append(unit)
    names = {key: found[0] if len(found) == 1 else found for key, found in names.items()}
    aliases = {alias: unit for alias, unit in aliases_for(actor).items() if unit.pk in {u.pk for u in units}}
    return _Units({str(unit.pk): unit for unit in units}, names, aliases)


@dataclass
class _People:
    by_pk: dict
    people: list

    def find(self, text):
        exact = [p for p in self.people if text in (p.name, p.username)]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            surname, title = normalize.split_person(text)
            if title:
                exact = [p for p in self.people if p.name.startswith(surname) and p.title.endswith(title)]
                if len(exact) == 1:
                    return exact[0]
        return [(p.pk, f"{p.name}（{p.title or p.username}）") for p in exact] or None


def _person_index(actor, rows):
    texts = {row.values[key] for row in rows for key in ("leader", "commissioner")
             if isinstance(row.values.get(key), str)}
    if not texts:
        return _People({}, [])
    filters = Q()
    for text in texts:
        surname, title = normalize.split_person(text)
        filters |= Q(name=text) | Q(username=text)
        if title:
            filters |= Q(name__startswith=surname, title__endswith=title)
    queryset = Person.objects.filter(is_active=True).filter(filters)
    if not actor.is_system:
        queryset = queryset.restrict(actor.person, "person.view") | queryset.filter(pk=actor.person.pk)
    people = list(queryset.distinct())
    return _People({str(p.pk): p for p in people}, people)


def _match_existing(result, actor):
    """项目代码 first, then 项目名称 + 责任单位 (the ledger's two uniqueness rules)."""
    rows = [row for row in result.rows if not row.excluded]
    codes = {row.values["code"] for row in rows if row.values.get("code")}
    names = {row.values["name"] for row in rows if row.values.get("name")}
    existing = Project.objects.filter(Q(code__in=codes) | Q(name__in=names)).select_related("responsible_unit")
    existing = existing.unscoped() if actor.is_system else existing.restrict(actor.person, "project.edit")
    by_code = {p.code: p for p in existing if p.code}
    by_name = {(p.name, p.responsible_unit_id): p for p in existing}
    for row in rows:
        unit = row.values.get("responsible_unit")
        row.project = by_code.get(row.values.get("code")) or (
            by_name.get((row.values.get("name"), unit.pk)) if isinstance(unit, Unit) else None)


_UPDATABLE = set(services.PROJECT_FIELDS)


def _fields(row):
    values = {key: value for key, value in row.values.items() if key not in row.failed}
    levels = values.pop("levels", None)
    stage = values.pop("stage", Stage.RESERVE)
    if levels is not None:
        values |= {flag: code in levels for code, flag in LEVEL_FIELDS_BY_CODE.items()}
    return {key: value for key, value in values.items() if key in _UPDATABLE and value is not None}, stage


def _check(result, actor, versions, write):
    rows = [row for row in result.rows if not row.excluded]
    new_rows = [row for row in rows if row.project is None]
    old_rows = [row for row in rows if row.project is not None]
    new = []
    for row in new_rows:
        fields, stage = _fields(row)
        new.append(services.NewProject(fields=fields, stage=stage, label=f"第{row.number}行"))
    changes = []
    for row in old_rows:
        fields, _stage = _fields(row)
        version = versions.get(str(row.project.pk))
        changes.append(services.ProjectChange(row.project, fields, version, label=f"第{row.number}行"))
    if write and not any(row.issues for row in rows):
        # ProjectRowsInvalid undoes the caller's transaction; commit() checks again to show why.
        result.created = len(services.project_import(actor=actor, rows=new)) if new else 0
        result.changed = len(services.project_import_update(actor=actor, changes=changes)) if changes else 0
        result.updated = len(changes)
        return
    projects, _moves, errors = services.project_import_check(actor=actor, rows=new)
    for row, project in zip(new_rows, projects, strict=True):
        row.instance = project
    _add_errors(new_rows, errors)
    _add_errors(old_rows, services.project_import_update_check(actor=actor, changes=changes))
    for row in old_rows:
        row.instance = row.project


def _add_errors(rows, errors):
    for index, fields in errors.items():
        row = rows[index]
        for name, messages in fields.items():
            if name in row.failed:
                continue
            spec = CATALOGUE.field(name)
            for message in messages:
                row.issues.append(f"“{spec.label}”{message}" if spec else message)


def commit(analysis, *, actor, decisions=None, excluded=(), versions=None):
    """Check once more and write in one transaction; returns the Plan (``ok`` False: nothing written)."""
    arguments = {"actor": actor, "decisions": decisions, "excluded": excluded, "versions": versions}
    try:
        with transaction.atomic():
            return plan(analysis, write=True, **arguments)
    except services.ProjectRowsInvalid:
        return plan(analysis, **arguments)
    except IntegrityError:  # another writer took a 项目代码 between the check and the insert
        result = plan(analysis, **arguments)
        result.problems.append("导入时发现项目代码已被他人占用，未写入任何数据，请重新预检。")
        return result


CATALOGUE.importer = sys.modules[__name__]
