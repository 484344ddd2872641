"""The 入库纳统 plan (stats inclusion) as a zone keeps it in Excel: its field catalogue and importer.

Each row names a project already in the ledger (项目代码, else 项目名称, with 责任单位 when names repeat)
and its plan: 计划纳统年度/季度 (“2026年三季度”, “三季度” with the sheet's year, “2026Q3”), 状态, 入库日期,
备注. Rows are written by ``services.stats_inclusion_save`` (the form's service: its rules, a project
marked 已入库 moves to 纳统); the dry run runs the same service inside a savepoint that is rolled back,
so what it reports is what the import would do. All rows or none.
"""

import re
import sys

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from zoneops.core.errors import PermissionDenied
from zoneops.exchange.intake import engine, normalize
from zoneops.exchange.intake.catalogue import CHOICE, DATE, TEXT, Catalogue, Field, register
from zoneops.projects import services
from zoneops.projects.choices import StatsStatus
from zoneops.projects.intake import Plan, PlannedRow
from zoneops.projects.models import Project

QUARTER = "quarter"
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

CATALOGUE = register(Catalogue(
    kind="stats", label="入库纳统计划", permission="project.edit", key_fields=("name", "code"),
    fields=(
        Field("name", "项目名称", synonyms=("名称", "项目"), required=True),
        Field("code", "项目代码", synonyms=("统一项目代码", "备案代码")),
        Field("responsible_unit", "责任单位", synonyms=("属地单位", "所属园区", "责任部门")),
        Field("planned_quarter", "计划纳统时间", QUARTER, synonyms=("计划纳统季度", "纳统季度", "预计纳统时间",
                                                             "计划入库时间", "纳统时间"), required=True),
        Field("planned_year", "计划纳统年度", TEXT, synonyms=("纳统年度", "入库年度")),
        Field("status", "状态", CHOICE, synonyms=("纳统状态", "入库状态"), choices=tuple(StatsStatus.choices)),
        Field("included_on", "入库日期", DATE, synonyms=("纳统日期", "实际入库时间", "入库时间")),
        Field("note", "备注", synonyms=("说明", "存在问题")),
    ),
))


def parse_quarter(value, year=None):
    """“2026年三季度”, “2026Q3”, “第三季度”, “三季度”, 3 → (year or None, quarter)."""
    raw = normalize.text(value).replace(" ", "").upper()
    found = re.fullmatch(r"(?:(\d{4})年?)?(?:第)?([一二三四1-4])(?:季度|季)|(?:(\d{4}))?Q([1-4])|([1-4])", raw)
    if not found:
        raise ValueError(f"应为季度（如 2026年三季度、2026Q3），实为“{normalize.text(value)}”")
    written_year = found.group(1) or found.group(3)
    quarter = _NUMERALS[found.group(2) or found.group(4) or found.group(5)]
    return (int(written_year) if written_year else year), quarter


PARSERS = {QUARTER: lambda _spec, value: parse_quarter(value), TEXT: lambda _spec, value: normalize.text(value)}


def plan(analysis, *, actor, decisions=None, excluded=(), versions=None, write=False):
    records = engine.read_records(analysis, CATALOGUE, PARSERS)
    rows = []
    for record in records:
        row = PlannedRow(record.number, dict(record.values), excluded=record.number in excluded)
        row.issues = list(record.errors.values())
        row.failed = set(record.errors)
        rows.append(row)
    result = Plan(analysis, rows, [], [])
    mapped = set(analysis.mapping().values())
    if not {"name", "code"} & mapped or "planned_quarter" not in mapped:
        result.problems.append("未对应必填字段：项目名称（或项目代码）、计划纳统时间。请在列对应中选择。")
        return result
    active = [row for row in rows if not row.excluded]
    _match(active, actor)
    for row in active:
        _complete(row, analysis.year)
    try:
        with transaction.atomic():
            for row in active:
                if row.issues:
                    continue
                try:
                    with transaction.atomic():
                        _save(row, actor)
                except (ValidationError, PermissionDenied) as error:
                    row.issues.extend(getattr(error, "messages", None) or [str(error)])
            if not write or any(row.issues for row in active):
                raise _RollBack
    except _RollBack:
        return result
    result.updated = len(active)
    return result


class _RollBack(Exception):
    """Undo the dry run's writes (or a refused import's)."""


def commit(analysis, *, actor, decisions=None, excluded=(), versions=None):
    return plan(analysis, actor=actor, excluded=excluded, write=True)


def _match(rows, actor):
    codes = {row.values["code"] for row in rows if row.values.get("code")}
    names = {row.values["name"] for row in rows if row.values.get("name")}
    projects = Project.objects.filter(Q(code__in=codes) | Q(name__in=names)).select_related("responsible_unit")
    projects = list(projects.unscoped() if actor.is_system else projects.restrict(actor.person, "project.edit"))
    for row in rows:
        code, name, unit = row.values.get("code"), row.values.get("name"), row.values.get("responsible_unit")
        found = [p for p in projects if code and p.code == code] or [
            p for p in projects if p.name == name and (not unit or unit in (p.responsible_unit.name,
                                                                            p.responsible_unit.short_name))]
        if len(found) == 1:
            row.project = row.instance = found[0]
        else:
            row.issues.append(f"项目库中{'有多个' if found else '找不到'}项目“{code or name}”"
                              f"{'，请填写项目代码或责任单位' if found else '（须在您的数据范围内）'}")


def _complete(row, sheet_year):
    quarter = row.values.get("planned_quarter")
    if quarter is None or "planned_quarter" in row.failed:
        if "planned_quarter" not in row.failed:
            row.issues.append("“计划纳统时间”未填写")
        return
    year, number = quarter
    written = row.values.get("planned_year")
    if written:
        found = re.search(r"\d{4}", written)
        year = int(found.group()) if found else year
    year = year or sheet_year
    if year is None:
        row.issues.append("“计划纳统时间”未写年份，且表头中找不到年份")
    row.values["planned_year"], row.values["planned_quarter"] = year, number


def _save(row, actor):
    stats = getattr(row.project, "stats", None)
    services.stats_inclusion_save(
        actor=actor, project=row.project, planned_year=row.values["planned_year"],
        planned_quarter=row.values["planned_quarter"],
        status=row.values.get("status") or (stats.status if stats else StatsStatus.PLANNED),
        documents=dict(stats.documents) if stats else {}, included_on=row.values.get("included_on"),
        note=row.values.get("note", stats.note if stats else ""))


CATALOGUE.importer = sys.modules[__name__]
