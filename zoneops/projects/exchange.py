"""The project ledger (重点项目台账) in Excel: exported in the government layout, imported back.

Money is 万元 in the sheet (exact to the 元, shown with two decimals) and integer 元 in the
database. An import reads the cells and resolves the names in them (units, people, industry codes)
within the actor's data scope; everything else is the service's (``services.project_import``, the
bulk-friendly ``project_create``): the model's rules, the uniqueness rules, permissions, the stage
rules with stage history and actual dates, one transaction and one audit row. Nothing is written
unless every row passes.

A row naming an existing project (by 系统编号, else by 项目代码) updates it with the cells that differ,
through ``services.project_import_sync`` (docs/decisions/0002-ledger-number-and-import-update.md).
"""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zoneops.core.errors import PermissionDenied
from zoneops.core.models import IndustryCode
from zoneops.core.money import yuan_to_wan
from zoneops.exchange.xlsx import (
    DATE_FORMAT,
    MONEY_FORMAT,
    Column,
    DryRun,
    Layout,
    ParsedRow,
    as_date,
    choice,
    layout_response,
    money_wan,
    read_workbook,
    write_layout,
)
from zoneops.org.models import Person, Unit, UnitKind
from zoneops.org.scope import has_permission
from zoneops.projects import services
from zoneops.projects.choices import LEVEL_FIELDS_BY_CODE, BuildNature, Level, Stage
from zoneops.projects.models import Project

_LEVELS = {label: level for level, label in Level.choices} | {
    label.removesuffix("重点"): level for level, label in Level.choices}


def parse_levels(value):
    """“省重点、市重点” → {provincial, city}; “省、市” and other separators are accepted too."""
    levels = set()
    for part in re.split(r"[、,，;；/\s]+", str(value)):
        if part and part not in _LEVELS:
            raise ValueError(f"应为{'、'.join(Level.labels)}（可填多个，用顿号分隔），实为“{part}”")
        if part:
            levels.add(_LEVELS[part])
    return frozenset(levels)


BASIC, MONEY, SCHEDULE, CONSTRUCTION, BENEFIT, LIAISON, SYSTEM = (
    "基本情况", "投资情况（万元）", "时间安排", "建设情况", "预期效益", "包联责任", "系统信息")


def parse_names(value):
    """“经发局、财政局” → ("经发局", "财政局"): several units in one cell, 顿号 or commas between them."""
    return tuple(part for part in re.split(r"[、,，;；\n]+", str(value).strip()) if part.strip())


def as_count(value):
    """A whole number (人数, 系统编号, 版本)."""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    if not text.isdigit():
        raise ValueError(f"应为整数，实为“{text}”")
    return int(text)


# 系统编号 (the project's id) and 版本 are the ledger number an import matches a row by: stable whatever
# the sort or filter of the export (序号 is not). A row without 系统编号 is matched by 项目代码; a row
# matching neither is a new project. 版本 is the version exported: a project changed since is a conflict.
LAYOUT = Layout(frozen_columns=2, columns=(
    Column("序号", BASIC, width=6),
    Column("项目名称", BASIC, "name", required=True, width=30),
    Column("项目代码", BASIC, "code", width=26),
    Column("项目业主", BASIC, "enterprise", required=True, width=24),
    Column("责任单位", BASIC, "responsible_unit", required=True, width=14),
    Column("配合单位", BASIC, "co_units", parse=parse_names, default=(), width=18),
    Column("专班", BASIC, "task_force", width=14),
    Column("国民经济行业", BASIC, "industry", width=10),
    Column("建设性质", BASIC, "build_nature", parse=choice(BuildNature), default=BuildNature.NEW, width=10),
    Column("项目级别", BASIC, "levels", parse=parse_levels, default=frozenset(), width=14),
    Column("阶段", BASIC, "stage", parse=choice(Stage), default=Stage.RESERVE, width=8),
    Column("总投资", MONEY, "total_investment", parse=money_wan, required=True, number_format=MONEY_FORMAT),
    Column("本年计划投资", MONEY, "year_plan_investment", parse=money_wan, default=0, number_format=MONEY_FORMAT),
    Column("本年完成投资", MONEY, number_format=MONEY_FORMAT),
    Column("以前年度累计完成投资", MONEY, "investment_before", parse=money_wan, default=0,
           number_format=MONEY_FORMAT, width=14),
    Column("累计完成投资", MONEY, number_format=MONEY_FORMAT),
    Column("计划开工", SCHEDULE, "planned_start", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("计划竣工", SCHEDULE, "planned_completion", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("签约日期", SCHEDULE, "signed_on", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("实际开工", SCHEDULE, "actual_start", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("实际竣工", SCHEDULE, "actual_completion", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("投产日期", SCHEDULE, "operating_on", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("建设地点", CONSTRUCTION, "location", width=20),
    Column("建设内容", CONSTRUCTION, "content", width=40),
    Column("预计年产值（万元）", BENEFIT, "expected_output", parse=money_wan, default=None,
           number_format=MONEY_FORMAT, width=14),
    Column("预计年税收（万元）", BENEFIT, "expected_tax", parse=money_wan, default=None,
           number_format=MONEY_FORMAT, width=14),
    Column("预计带动就业（人）", BENEFIT, "expected_jobs", parse=as_count, default=None, width=14),
    Column("包联领导", LIAISON, "leader", width=10),
    Column("项目专员", LIAISON, "commissioner", width=10),
    Column("系统编号", SYSTEM, "pk", parse=as_count, default=None, width=10),
    Column("版本", SYSTEM, "version", parse=as_count, default=None, width=6),
))
_HEADERS = {column.field for column in LAYOUT.columns if column.field}
_MONEY_COLUMNS = [index for index, column in enumerate(LAYOUT.columns) if column.group == MONEY]


# --- Export ---------------------------------------------------------------------------------

# What a ledger row needs, read as tuples: building 20,000 Project instances with their related rows
# cost more than writing the whole sheet (docs/benchmarks.md, 文档).
_EXPORT_FIELDS = (
    "name", "code", "enterprise", "responsible_unit__name", "industry_id", "build_nature",
    *LEVEL_FIELDS_BY_CODE.values(), "stage", "total_investment", "year_plan_investment", "invested_year",
    "invested_total", "investment_before", "planned_start", "planned_completion", "location", "content",
    "leader__name", "commissioner__name", "pk", "task_force__name", "signed_on", "actual_start",
    "actual_completion", "operating_on", "expected_output", "expected_tax", "expected_jobs", "version",
)


def export_ledger(queryset):
    """The ledger as an .xlsx download. ``queryset`` comes from ``selectors.project_queryset``
    (or ``project_list``), already scoped and filtered, with invested_year/invested_total."""
    title, rows, footer = _ledger_sheet(queryset)
    return layout_response(LAYOUT, filename=ledger_filename(), title=title, rows=rows, footer_rows=footer)


def write_ledger(queryset, target):
    """The same workbook as :func:`export_ledger`, written to ``target`` (a path or a binary file),
    e.g. by a background job; returns the number of projects written."""
    title, rows, footer = _ledger_sheet(queryset)
    return write_layout(target, LAYOUT, title=title, rows=rows, footer_rows=footer)


def ledger_filename():
    return f"重点项目台账-{timezone.localdate():%Y%m%d}.xlsx"


def _ledger_sheet(queryset):
    """(title, the rows, the 合计 row), rows and footer as generators: the footer adds up the rows as
    they are written, so the ledger is read once (a separate aggregate read it twice)."""
    today = timezone.localdate()
    labels = {name: dict(Project._meta.get_field(name).flatchoices) for name in ("stage", "build_nature")}
    queryset = queryset.order_by("responsible_unit__path", "pk")
    co_units = {}
    for project_id, unit in (Project.co_units.through.objects.filter(project__in=queryset.values("pk"))
                             .order_by("unit__path").values_list("project_id", "unit__name")):
        co_units.setdefault(project_id, []).append(unit)
    values = queryset.values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000)
    sums = [0] * len(_MONEY_COLUMNS)  # in 元, in the order of the money columns
    count = 0

    def rows():
        nonlocal count
        for count, row in enumerate(values, start=1):  # noqa: B007 - count is the footer's
            line = _export_row(count, row, labels, co_units)
            for position, yuan in enumerate(_yuan(row)):
                sums[position] += yuan
            yield line

    def footer():
        line = ["合计", f"共{count}个项目"] + [None] * (LAYOUT.width - 2)
        for index, yuan in zip(_MONEY_COLUMNS, sums, strict=True):
            line[index] = _wan(yuan)
        yield line

    return f"重点项目台账（截至{today.year}年{today.month}月{today.day}日）", rows(), footer()


def _yuan(row):
    """总投资, 本年计划投资, 本年完成投资, 以前年度累计完成投资, 累计完成投资 of one exported tuple, in 元."""
    total, plan, year, reported, before = row[11:16]
    return total or 0, plan or 0, year or 0, before or 0, (reported or 0) + (before or 0)


def _wan(yuan):
    # Four places keep every 元 (the import reads back exactly); the cell format shows two.
    return yuan_to_wan(yuan, places=4)


def _export_row(number, row, labels, co_units):
    (name, code, enterprise, unit, industry, build_nature, national, provincial, city, district, stage, total,
     plan, year, reported, before, start, completion, location, content, leader, commissioner, pk, task_force,
     signed_on, actual_start, actual_completion, operating_on, output, tax, jobs, version) = row
    levels = "、".join(level.label for level, flag in zip(LEVEL_FIELDS_BY_CODE, (national, provincial, city, district),
                                                         strict=True) if flag)
    return [
        number, name, code or None, enterprise, unit, "、".join(co_units.get(pk, ())) or None, task_force, industry,
        labels["build_nature"].get(build_nature, build_nature), levels, labels["stage"].get(stage, stage),
        _wan(total), _wan(plan), _wan(year), _wan(before), _wan(reported + before),
        start, completion, signed_on, actual_start, actual_completion, operating_on, location or None,
        content or None, None if output is None else _wan(output), None if tax is None else _wan(tax), jobs,
        leader, commissioner, pk, version,
    ]


# --- Import ---------------------------------------------------------------------------------

def import_ledger(file, *, actor, commit, progress=None):
    """Check every row of a ledger file (a path or a binary file) and, when ``commit`` and every
    row passes, create the projects. Returns the DryRun; ``created`` is the number written.
    ``progress(rows_read)`` is called while the file is read (a worker's job shows it).

    The rows are written by ``services.project_import``, the bulk-friendly ``project_create``: the
    same rules, permissions (project.edit on the 责任单位; project.stage for a row past 储备), stage
    history and actual dates as the form and the API. When committing, references and rules are
    checked inside the write transaction, so a unit, person or project changed since the dry run
    cannot slip through.
    """
    if not actor.is_system and not has_permission(actor.person, "project.edit"):
        raise PermissionDenied("您无权导入项目。")
    parsed = read_workbook(file, LAYOUT, progress=progress)
    if not commit or not parsed.ok:
        return _check(parsed, actor, write=False)
    try:
        with transaction.atomic():
            result = _check(parsed, actor, write=True)
    except IntegrityError:  # another writer took a 项目代码 between our check and the insert
        result = LedgerDryRun()
        result.add_error(None, "", "导入时发现项目代码已被他人占用，未写入任何数据，请重新预检。")
    return result


_REFERENCE_FIELDS = ("responsible_unit", "task_force", "industry", "leader", "commissioner")
_AMBIGUOUS = object()


@dataclass
class _References:
    """What the file's names and codes point to, loaded in a few queries for all rows at once."""

    units: dict
    people: dict
    industries: dict
    task_forces: dict

    @classmethod
    def load(cls, rows, actor):
        def keys(*names):
            return {row.values[name] for row in rows for name in names if row.values.get(name)}

        unit_keys = keys("responsible_unit") | {name for row in rows for name in row.values.get("co_units") or ()}
        units = Unit.objects.filter(is_active=True).filter(Q(code__in=unit_keys) | Q(name__in=unit_keys))
        task_forces = Unit.objects.filter(is_active=True, kind=UnitKind.TASK_FORCE).filter(
            Q(code__in=keys("task_force")) | Q(name__in=keys("task_force")))
        person_keys = keys("leader", "commissioner")
        people = Person.objects.filter(is_active=True).filter(Q(username__in=person_keys) | Q(name__in=person_keys))
        if not actor.is_system:
            units = units.restrict(actor.person, "project.edit")
            task_forces = task_forces.restrict(actor.person, "unit.view")
            people = people.restrict(actor.person, "person.view") | people.filter(pk=actor.person.pk)
        codes = {_industry_code(key) for key in keys("industry")}
        return cls(units=_index(units, "code", "name"), people=_index(people, "username", "name"),
                   industries={code.pk: code for code in IndustryCode.objects.filter(code__in=codes)},
                   task_forces=_index(task_forces, "code", "name"))


def _index(objects, unique_key, name):
    """key → object by the unique key, then by name; a name two objects share maps to _AMBIGUOUS."""
    by_name = {}
    objects = list(objects)
    for obj in objects:
        key = getattr(obj, name)
        by_name[key] = _AMBIGUOUS if key in by_name else obj
    return by_name | {getattr(obj, unique_key): obj for obj in objects}


def _industry_code(text):
    """“3612” or “3612 电子元件制造” → “3612”."""
    return text.split()[0].upper() if text.strip() else ""


@dataclass
class LedgerDryRun(DryRun):
    """DryRun with what an import does to the projects it matched (by 系统编号 or 项目代码)."""

    new: int = 0  # rows that create a project
    updated: int = 0  # matched rows that change something (written when committing)
    unchanged: int = 0  # matched rows identical to the project
    changes: list = field(default_factory=list)  # (row number, project name, [headers that change])


def import_summary(result):
    """What a committed import did, in one sentence."""
    return f"已导入：新建{result.created}个项目，更新{result.updated}个，{result.unchanged}个未变"


_SYNC_FIELDS = tuple(column.field for column in LAYOUT.columns
                     if column.field and column.field not in ("pk", "version", "levels", "stage", "co_units"))


def _check(parsed, actor, *, write):
    """A fresh LedgerDryRun for ``parsed``'s rows: references resolved, rows matched to existing
    projects, then the services' checks (and, with ``write`` and no error so far, the writes)."""
    result = LedgerDryRun(rows=[ParsedRow(row.number, dict(row.values), set(row.failed)) for row in parsed.rows],
                          errors=list(parsed.errors))
    if not result.rows:
        return result
    references = _References.load(result.rows, actor)
    for row in result.rows:
        _resolve(row, references, result)
    matched = _match(result, actor)
    new_rows = [index for index in range(len(result.rows)) if index not in matched]
    syncs = {}
    for index, project in matched.items():
        sync = _sync(result.rows[index], project)
        if sync is None:
            result.unchanged += 1
        else:
            syncs[index] = sync
            result.changes.append((result.rows[index].number, project.name,
                                   [_header(name) for name in (*sync.fields, *(["co_units"] if sync.co_units is not None
                                                                                else []),
                                                               *(["stage"] if sync.stage else []))]))
    result.new, result.updated = len(new_rows), len(syncs)
    new = [_new_project(result.rows[index]) for index in new_rows]
    if write and result.ok and not syncs:
        _write(result, actor, new_rows, new, [])
    else:
        projects, _history, errors = services.project_import_check(actor=actor, rows=new)
        for index, project in zip(new_rows, projects, strict=True):
            result.rows[index].instance = project
        _add_service_errors(result, _by_row(new_rows, errors))
        if syncs:
            before = {index: _snapshot(sync.project) for index, sync in syncs.items()}
            _moves, errors = services.project_import_sync_check(actor=actor, changes=list(syncs.values()))
            _add_service_errors(result, _by_row(list(syncs), errors))
            for index, sync in syncs.items():  # the check applied the changes in memory: the write starts afresh
                for name, value in before[index].items():
                    setattr(sync.project, name, value)
            if write and result.ok:
                _write(result, actor, new_rows, [_new_project(result.rows[index]) for index in new_rows],
                       list(syncs.items()))
    result.sort_errors(LAYOUT)
    return result


def _write(result, actor, new_rows, new, syncs):
    """Create the new rows' projects (then set their 配合单位 and actual dates) and update the matched
    ones, in one savepoint: all or nothing. The services' refusals become the rows' errors."""
    step = "new"
    try:
        with transaction.atomic():
            created = services.project_import(actor=actor, rows=new) if new else []
            extras = [(index, _extras(result.rows[index], project))
                      for index, project in zip(new_rows, created, strict=True)]
            syncs = syncs + [(index, sync) for index, sync in extras if sync is not None]
            step = "sync"
            if syncs:
                services.project_import_sync(actor=actor, changes=[sync for _index, sync in syncs])
    except services.ProjectRowsInvalid as refused:
        indexes = new_rows if step == "new" else [index for index, _sync in syncs]
        _add_service_errors(result, _by_row(indexes, refused.rows))
        return
    result.created = len(created)


def _snapshot(project):
    return {field.attname: getattr(project, field.attname) for field in Project._meta.concrete_fields}


def _by_row(indexes, errors):
    """A service's {position: errors} for a subset of the rows as {row index: errors}."""
    return {indexes[position]: fields for position, fields in errors.items()}


def _header(name):
    return "项目级别" if name in LEVEL_FIELDS_BY_CODE.values() else LAYOUT.header_for(name)


def _match(result, actor):
    """{row index: project} for rows naming an existing project the actor may see: by 系统编号, else by
    项目代码. A 系统编号 the actor cannot see is an error (never a new project)."""
    ids = {row.values["pk"] for row in result.rows if row.values.get("pk")}
    codes = {row.values["code"] for row in result.rows if row.values.get("code") and not row.values.get("pk")}
    if not ids and not codes:
        return {}
    projects = (Project.objects.filter(Q(pk__in=ids) | Q(code__in=codes))
                .select_related("responsible_unit").prefetch_related("co_units"))
    if not actor.is_system:
        projects = projects.restrict(actor.person, "project.view")
    by_pk = {project.pk: project for project in projects}
    by_code = {project.code: project for project in by_pk.values() if project.code}
    matched = {}
    for index, row in enumerate(result.rows):
        if row.values.get("pk"):
            project = by_pk.get(row.values["pk"])
            if project is None:
                row.failed.add("pk")
                result.add_error(row.number, "系统编号",
                                 f"找不到系统编号为{row.values['pk']}的项目，或不在您的数据范围内（新项目请留空）")
            else:
                matched[index] = project
        elif row.values.get("code") in by_code:
            matched[index] = by_code[row.values["code"]]
    return matched


def _sync(row, project):
    """The row's differences from ``project`` as a services.ProjectSync, or None when there are none.
    A cell that did not parse changes nothing (its error is already listed)."""
    values = {name: value for name, value in row.values.items() if name not in row.failed}
    fields = {name: values[name] for name in _SYNC_FIELDS if name in values and _current(project, name) != (
        values[name].pk if name in _REFERENCE_FIELDS and values[name] is not None else values[name])}
    if "levels" in values:
        fields |= {flag: level in values["levels"] for level, flag in LEVEL_FIELDS_BY_CODE.items()
                   if getattr(project, flag) != (level in values["levels"])}
    co_units = None
    current = {unit.pk for unit in project.co_units.all()}
    if "co_units" in values and {unit.pk for unit in values["co_units"]} != current:
        co_units = values["co_units"]
    stage = values["stage"] if values.get("stage") and values["stage"] != project.stage else None
    if not fields and co_units is None and stage is None:
        return None
    return services.ProjectSync(project, fields, co_units=co_units, stage=stage,
                                expected_version=values.get("version"), label=f"第{row.number}行")


def _current(project, name):
    """The project's value of a sheet field; a reference as its id (no query per row)."""
    return getattr(project, f"{name}_id") if name in _REFERENCE_FIELDS else getattr(project, name)


def _extras(row, project):
    """What a new row sets beyond the create: 配合单位 and the actual dates given in the sheet."""
    values = {name: value for name, value in row.values.items() if name not in row.failed}
    fields = {name: values[name] for name in services.IMPORT_DATE_FIELDS if values.get(name)}
    co_units = values.get("co_units") or None
    if not fields and not co_units:
        return None
    return services.ProjectSync(project, fields, co_units=co_units, label=f"第{row.number}行")


def _new_project(row):
    """The service's row: the cells that parsed, levels as the four flags (配合单位 and actual dates are
    set after the create, by _extras)."""
    values = {name: value for name, value in row.values.items()
              if name not in row.failed and (name in services.PROJECT_FIELDS or name in ("levels", "stage"))}
    levels = values.pop("levels", frozenset())
    stage = values.pop("stage", Stage.RESERVE)
    return services.NewProject(fields=values | {LEVEL_FIELDS_BY_CODE[level]: True for level in levels},
                               stage=stage, label=f"第{row.number}行")


def _add_service_errors(result, errors):
    """The service's {index: {field: [messages]}} as per-row errors under the layout's headers; a
    cell that did not parse already has its error (what the model says of the missing value is noise)."""
    for index, fields in errors.items():
        row = result.rows[index]
        for name, messages in fields.items():
            if name in row.failed:
                continue
            header = LAYOUT.header_for(name) if name in _HEADERS else ""
            for message in messages:
                result.add_error(row.number, header, f"有误：{message}" if header else message)


_NOT_FOUND = {
    "responsible_unit": "找不到“{}”：请填写单位代码或单位全称，且须在您的数据范围内",
    "leader": "找不到“{}”：请填写登录名或姓名，且须在您的数据范围内",
    "commissioner": "找不到“{}”：请填写登录名或姓名，且须在您的数据范围内",
    "industry": "找不到行业代码“{}”（GB/T 4754-2017）",
    "task_force": "找不到专班“{}”：请填写专班代码或全称，且须在您的数据范围内",
    "co_units": "找不到“{}”：请填写单位代码或单位全称，且须在您的数据范围内",
}
_AMBIGUOUS_MESSAGE = {
    "responsible_unit": "“{}”有重名单位，请改填单位代码",
    "task_force": "“{}”有重名专班，请改填专班代码",
    "co_units": "“{}”有重名单位，请改填单位代码",
    "leader": "“{}”有重名人员，请改填登录名",
    "commissioner": "“{}”有重名人员，请改填登录名",
}


def _resolve(row, references, result):
    """Replace the reference columns' text with the objects it names."""
    indexes = {"responsible_unit": references.units, "leader": references.people,
               "commissioner": references.people, "industry": references.industries,
               "task_force": references.task_forces}
    if "co_units" not in row.failed:
        found = []
        for key in row.values.get("co_units") or ():
            unit = references.units.get(key)
            if unit is None or unit is _AMBIGUOUS:
                row.failed.add("co_units")
                result.add_error(row.number, LAYOUT.header_for("co_units"),
                                 (_NOT_FOUND if unit is None else _AMBIGUOUS_MESSAGE)["co_units"].format(key))
            else:
                found.append(unit)
        row.values["co_units"] = found
    for name in _REFERENCE_FIELDS:
        key = row.values.get(name)
        if name in row.failed or not key:
            row.values[name] = None
            continue
        found = indexes[name].get(_industry_code(key) if name == "industry" else key)
        if found is None or found is _AMBIGUOUS:
            messages = _NOT_FOUND if found is None else _AMBIGUOUS_MESSAGE
            row.failed.add(name)
            row.values[name] = None
            result.add_error(row.number, LAYOUT.header_for(name), messages[name].format(key))
        else:
            row.values[name] = found
