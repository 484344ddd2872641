"""The project ledger (重点项目台账) in Excel: exported in the government layout, imported back.

Money is 万元 in the sheet (exact to the 元, shown with two decimals) and integer 元 in the
database. An import reads the cells and resolves the names in them (units, people, industry codes)
within the actor's data scope; everything else is the service's (``services.project_import``, the
bulk-friendly ``project_create``): the model's rules, the uniqueness rules, permissions, the stage
rules with stage history and actual dates, one transaction and one audit row. Nothing is written
unless every row passes.
"""

import re
from dataclasses import dataclass

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
from zoneops.org.models import Person, Unit
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


BASIC, MONEY, SCHEDULE, CONSTRUCTION, LIAISON = "基本情况", "投资情况（万元）", "时间安排", "建设情况", "包联责任"

LAYOUT = Layout(frozen_columns=2, columns=(
    Column("序号", BASIC, width=6),
    Column("项目名称", BASIC, "name", required=True, width=30),
    Column("项目代码", BASIC, "code", width=26),
    Column("项目业主", BASIC, "enterprise", required=True, width=24),
    Column("责任单位", BASIC, "responsible_unit", required=True, width=14),
    Column("国民经济行业", BASIC, "industry", width=10),
    Column("建设性质", BASIC, "build_nature", parse=choice(BuildNature), default=BuildNature.NEW, width=10),
    Column("项目级别", BASIC, "levels", parse=parse_levels, default=frozenset(), width=14),
    Column("阶段", BASIC, "stage", parse=choice(Stage), default=Stage.RESERVE, width=8),
    Column("总投资", MONEY, "total_investment", parse=money_wan, required=True, number_format=MONEY_FORMAT),
    Column("本年计划投资", MONEY, "year_plan_investment", parse=money_wan, default=0, number_format=MONEY_FORMAT),
    Column("本年完成投资", MONEY, number_format=MONEY_FORMAT),
    Column("累计完成投资", MONEY, number_format=MONEY_FORMAT),
    Column("计划开工", SCHEDULE, "planned_start", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("计划竣工", SCHEDULE, "planned_completion", parse=as_date, default=None, number_format=DATE_FORMAT),
    Column("建设地点", CONSTRUCTION, "location", width=20),
    Column("建设内容", CONSTRUCTION, "content", width=40),
    Column("包联领导", LIAISON, "leader", width=10),
    Column("项目专员", LIAISON, "commissioner", width=10),
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
    "leader__name", "commissioner__name",
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
    values = queryset.order_by("responsible_unit__path", "pk").values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000)
    sums = [0] * len(_MONEY_COLUMNS)  # in 元, in the order of the money columns
    count = 0

    def rows():
        nonlocal count
        for count, row in enumerate(values, start=1):  # noqa: B007 - count is the footer's
            line = _export_row(count, row, labels)
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
    """总投资, 本年计划投资, 本年完成投资, 累计完成投资 of one exported tuple, in 元."""
    total, plan, year, reported, before = row[11:16]
    return total or 0, plan or 0, year or 0, (reported or 0) + (before or 0)


def _wan(yuan):
    # Four places keep every 元 (the import reads back exactly); the cell format shows two.
    return yuan_to_wan(yuan, places=4)


def _export_row(number, row, labels):
    (name, code, enterprise, unit, industry, build_nature, national, provincial, city, district, stage, total,
     plan, year, reported, before, start, completion, location, content, leader, commissioner) = row
    levels = "、".join(level.label for level, flag in zip(LEVEL_FIELDS_BY_CODE, (national, provincial, city, district),
                                                         strict=True) if flag)
    return [
        number, name, code or None, enterprise, unit, industry, labels["build_nature"].get(build_nature, build_nature),
        levels, labels["stage"].get(stage, stage), _wan(total), _wan(plan), _wan(year), _wan(reported + before),
        start, completion, location or None, content or None, leader, commissioner,
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
        result = DryRun()
        result.add_error(None, "", "导入时发现项目代码已被他人占用，未写入任何数据，请重新预检。")
    return result


_REFERENCE_FIELDS = ("responsible_unit", "industry", "leader", "commissioner")
_AMBIGUOUS = object()


@dataclass
class _References:
    """What the file's names and codes point to, loaded in a few queries for all rows at once."""

    units: dict
    people: dict
    industries: dict

    @classmethod
    def load(cls, rows, actor):
        def keys(*names):
            return {row.values[name] for row in rows for name in names if row.values.get(name)}

        units = Unit.objects.filter(is_active=True).filter(
            Q(code__in=keys("responsible_unit")) | Q(name__in=keys("responsible_unit")))
        person_keys = keys("leader", "commissioner")
        people = Person.objects.filter(is_active=True).filter(Q(username__in=person_keys) | Q(name__in=person_keys))
        if not actor.is_system:
            units = units.restrict(actor.person, "project.edit")
            people = people.restrict(actor.person, "person.view") | people.filter(pk=actor.person.pk)
        codes = {_industry_code(key) for key in keys("industry")}
        return cls(units=_index(units, "code", "name"), people=_index(people, "username", "name"),
                   industries={code.pk: code for code in IndustryCode.objects.filter(code__in=codes)})


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


def _check(parsed, actor, *, write):
    """A fresh DryRun for ``parsed``'s rows: references resolved, then the service's checks (and,
    with ``write`` and no error so far, the write)."""
    result = DryRun(rows=[ParsedRow(row.number, dict(row.values), set(row.failed)) for row in parsed.rows],
                    errors=list(parsed.errors))
    if not result.rows:
        return result
    references = _References.load(result.rows, actor)
    for row in result.rows:
        _resolve(row, references, result)
    new = [_new_project(row) for row in result.rows]
    if write and result.ok:
        try:
            result.created = len(services.project_import(actor=actor, rows=new))
        except services.ProjectRowsInvalid as refused:
            _add_service_errors(result, refused.rows)
    else:
        projects, _history, errors = services.project_import_check(actor=actor, rows=new)
        for row, project in zip(result.rows, projects, strict=True):
            row.instance = project
        _add_service_errors(result, errors)
    result.sort_errors(LAYOUT)
    return result


def _new_project(row):
    """The service's row: the cells that parsed, levels as the four flags."""
    values = {name: value for name, value in row.values.items() if name not in row.failed}
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
}
_AMBIGUOUS_MESSAGE = {
    "responsible_unit": "“{}”有重名单位，请改填单位代码",
    "leader": "“{}”有重名人员，请改填登录名",
    "commissioner": "“{}”有重名人员，请改填登录名",
}


def _resolve(row, references, result):
    """Replace the reference columns' text with the objects it names."""
    indexes = {"responsible_unit": references.units, "leader": references.people,
               "commissioner": references.people, "industry": references.industries}
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
