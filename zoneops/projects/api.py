"""Projects over JSON: the same scoped selectors and services as the pages."""

from datetime import date, datetime
from typing import Literal

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zoneops.api.pagination import BoundedPagination, Id, Money
from zoneops.audit.context import Actor
from zoneops.core.errors import ValidationError
from zoneops.core.models import IndustryCode
from zoneops.org.models import Person, UnitKind
from zoneops.org.scope import require_permission
from zoneops.org.selectors import unit_get, unit_list
from zoneops.projects import figures, lights, selectors, services
from zoneops.projects.choices import BuildNature, Stage
from zoneops.projects.filtersets import filtered_or_invalid, project_filterset
from zoneops.projects.flags import milestone_flag

router = Router(tags=["项目"])


class ProjectOut(Schema):
    id: int
    name: str
    code: str
    enterprise: str
    responsible_unit_id: Id
    responsible_unit_name: str = Field(alias="responsible_unit.name")
    stage: str
    levels: list[str]
    build_nature: str
    industry_id: str | None
    total_investment: int = Field(description="元")
    year_plan_investment: int = Field(description="元")
    invested_year: int = Field(description="本年完成投资（元，由填报汇总）")
    invested_cumulative: int = Field(description="累计完成投资（元，含以前年度）")
    planned_start: date | None
    planned_completion: date | None
    actual_start: date | None
    reporting_from: date
    leader_id: int | None
    commissioner_id: int | None
    co_unit_ids: list[int] = Field(description="配合单位")
    task_force_id: int | None = Field(description="专班")
    is_national_key: bool
    is_provincial_key: bool
    is_city_key: bool
    is_district_key: bool
    investment_before: int = Field(description="以前年度累计完成投资（元）")
    signed_on: date | None
    actual_completion: date | None
    operating_on: date | None
    location: str
    content: str
    expected_output: int | None = Field(description="预计年产值（元）")
    expected_tax: int | None = Field(description="预计年税收（元）")
    expected_jobs: int | None = Field(description="预计带动就业（人）")
    measures: str
    standard: str
    reward_penalty: str
    light: str
    light_reasons: list[str]
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_co_unit_ids(obj):
        return sorted(unit.pk for unit in obj.co_units.all())

    @staticmethod
    def resolve_invested_cumulative(obj):
        return obj.invested_total + obj.investment_before

    @staticmethod
    def resolve_levels(obj):
        return [level.value for level in obj.levels]

    @staticmethod
    def resolve_light(obj):
        return obj.verdict.light

    @staticmethod
    def resolve_light_reasons(obj):
        return list(obj.verdict.reasons)


class ProjectIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=24)
    enterprise: str = Field(min_length=1, max_length=200)
    responsible_unit_id: Id
    industry_id: str | None = Field(None, max_length=4)
    build_nature: BuildNature = BuildNature.NEW
    is_national_key: bool = False
    is_provincial_key: bool = False
    is_city_key: bool = False
    is_district_key: bool = False
    total_investment: Money
    year_plan_investment: Money = 0
    planned_start: date | None = None
    planned_completion: date | None = None
    location: str = Field("", max_length=200)
    content: str = Field("", max_length=4000)
    reporting_from: date | None = Field(None, description="起报日期：此前期间的填报为补录；不填为录入当天")
    investment_before: Money = 0
    expected_output: Money | None = None
    expected_tax: Money | None = None
    expected_jobs: int | None = Field(None, ge=0, le=10_000_000)
    co_unit_ids: list[Id] = Field([], max_length=50, description="配合单位")
    task_force_id: Id | None = Field(None, description="专班")
    leader_id: Id | None = Field(None, description="包联领导")
    commissioner_id: Id | None = Field(None, description="项目专员")
    measures: str = Field("", max_length=2000)
    standard: str = Field("", max_length=2000)
    reward_penalty: str = Field("", max_length=2000)


class ProjectPatch(Schema):
    version: int = Field(ge=1, le=2**31 - 1)
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, max_length=24)
    enterprise: str | None = Field(None, min_length=1, max_length=200)
    total_investment: Money | None = None
    year_plan_investment: Money | None = None
    planned_start: date | None = None
    planned_completion: date | None = None
    location: str | None = Field(None, max_length=200)
    content: str | None = Field(None, max_length=4000)
    measures: str | None = Field(None, max_length=2000)
    reporting_from: date | None = None
    responsible_unit_id: Id | None = None
    industry_id: str | None = Field(None, max_length=4)
    build_nature: BuildNature | None = None
    is_national_key: bool | None = None
    is_provincial_key: bool | None = None
    is_city_key: bool | None = None
    is_district_key: bool | None = None
    investment_before: Money | None = None
    expected_output: Money | None = None
    expected_tax: Money | None = None
    expected_jobs: int | None = Field(None, ge=0, le=10_000_000)
    co_unit_ids: list[Id] | None = Field(None, max_length=50, description="配合单位")
    task_force_id: Id | None = Field(None, description="专班")
    leader_id: Id | None = Field(None, description="包联领导")
    commissioner_id: Id | None = Field(None, description="项目专员")
    standard: str | None = Field(None, max_length=2000)
    reward_penalty: str | None = Field(None, max_length=2000)


class StageIn(Schema):
    to_stage: Stage
    reason: str = Field("", max_length=500)
    effective_on: date | None = None


class MilestoneOut(Schema):
    id: int
    seq: int
    name: str
    baseline_date: date
    planned_date: date
    actual_date: date | None
    replan_count: int
    flag: str


class ReportOut(Schema):
    id: int
    period_key: str
    period_start: date
    period_end: date
    invested: int
    year_to_date: int
    cumulative: int
    percent: int
    workers: int
    progress_text: str
    status: str
    is_late: bool
    is_backfill: bool
    review_comment: str
    photos: list[str]
    version: int = Field(description="版本号：修改（重新填报退回的）进度时原样带回")

    @staticmethod
    def resolve_photos(obj):
        return [reverse("projects:photo", args=[photo.pk]) for photo in obj.photos.all()]


class ReportIn(Schema):
    period_key: str = Field(max_length=12)
    invested: Money
    percent: int = Field(ge=0, le=100)
    workers: int = Field(0, ge=0, le=1_000_000)
    progress_text: str = Field(min_length=1, max_length=2000)
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="修改已有填报时必填：该填报的版本号")


class ProjectQuery(Schema):
    """The ledger page's filters (filtersets.ProjectFilterSet), by the same names."""

    q: str = Field("", max_length=50, description="项目名称、业主包含，或项目代码等于")
    stage: str = Field("", max_length=12, description="阶段")
    unit: Id | None = Field(None, description="责任单位（含下级）")
    level: str = Field("", max_length=12, description="级别")
    industry: str = Field("", max_length=4, description="行业代码（门类字母或数字前缀）")
    leader: Id | None = Field(None, description="包联领导")
    light: str = Field("", max_length=12, description="状态灯")
    sort: Literal["", "light", "-light"] = Field(
        "", description="排序：light 红灯在前，-light 绿灯在前；默认最近更新在前")
    figure: str = Field("", max_length=20, description="汇总口径代码（见 /projects/summary），与 period 一起下钻")
    period: str = Field("", max_length=12, description="期间：2026、2026-Q1 或 2026-03")
    figure_unit: Id | None = Field(None, description="只看该责任单位（不含下级）")
    unit_id: Id | None = Field(None, description="已弃用，同 unit", deprecated=True)
    leader_id: Id | None = Field(None, description="已弃用，同 leader", deprecated=True)


def _query_data(query):
    """The query as the ledger FilterSet's data (the deprecated ``unit_id``/``leader_id`` folded in)."""
    data = query.dict()
    data["unit"] = data["unit"] or data.pop("unit_id")
    data["leader"] = data["leader"] or data.pop("leader_id")
    return {name: value for name, value in data.items() if value not in (None, "")}


def _filtered(request, query, today=None):
    """The user's scoped projects through the ledger's FilterSet; a value it refuses is a 422."""
    return filtered_or_invalid(project_filterset(_query_data(query), user=request.user, today=today))


def _industry(code):
    if not code:
        return None
    industry = IndustryCode.objects.filter(pk=code).first()
    if industry is None:
        raise ValidationError({"industry": f"未知的国民经济行业代码：{code}。"})
    return industry


def _references(request, data):
    """The payload's ids as the objects the form offers: units the user may edit, 专班 they see, people
    they see (or themself). An id outside them is a 422."""
    found = {}
    choices = {
        "responsible_unit": unit_list(user=request.user, action="project.edit"),
        "task_force": unit_list(user=request.user).filter(kind=UnitKind.TASK_FORCE),
        "leader": _people(request.user), "commissioner": _people(request.user),
    }
    for name, queryset in choices.items():
        if f"{name}_id" in data:
            pk = data.pop(f"{name}_id")
            found[name] = None if pk is None else queryset.filter(pk=pk).first()
            if pk is not None and found[name] is None:
                raise ValidationError({name: "不存在或不在您的数据范围内。"})
    if "industry_id" in data:
        found["industry"] = _industry(data.pop("industry_id"))
    if data.get("co_unit_ids") is not None:
        ids = set(data.pop("co_unit_ids"))
        units = list(choices["responsible_unit"].filter(pk__in=ids))
        if len(units) != len(ids):
            raise ValidationError({"co_units": "配合单位不存在或不在您的数据范围内。"})
        found["co_units"] = units
    data.pop("co_unit_ids", None)
    return data | found


def _people(user):
    people = Person.objects.filter(is_active=True).restrict(user, "person.view")
    return people | Person.objects.unscoped().filter(pk=user.pk)  # unscoped: the user may always name themself


def _one(request, project_id, action="project.view"):
    project = selectors.project_get(user=request.user, pk=project_id, action=action)
    selectors.with_lights([project])
    return project


class LightsPagination(BoundedPagination):
    """Page numbers, with status lights computed for the rows of the page only."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = selectors.with_lights(list(page["items"]))
        prefetch_related_objects(page["items"], "co_units")  # ProjectOut.co_unit_ids, one query per page
        return page


@router.get("/projects", response=list[ProjectOut], summary="项目库（按数据范围，可筛选）")
@paginate(LightsPagination)
def project_list(request, query: Query[ProjectQuery]):
    """Without ``figure``, terminated projects are left out unless ``stage=cancelled`` (as on the ledger page)."""
    if query.sort:  # in SQL (lights.with_light), then the default order
        today = timezone.localdate()
        queryset = lights.with_light(_filtered(request, query, today), today)
        return queryset.order_by(query.sort.replace("light", "light_order"), "-updated_at", "pk")
    return _filtered(request, query).order_by("-updated_at", "pk")


class PeriodOut(Schema):
    key: str
    label: str
    start: date
    end: date


class FigureDefinition(Schema):
    code: str
    label: str
    kind: str = Field(description="event 期内发生 / plan 三个一批 / report 已审核填报")
    amount_label: str
    definition: str = Field(description="口径")


class FigureCell(Schema):
    count: int
    amount: int = Field(description="元：总投资，或完成投资（report 类）")


class UnitFiguresOut(Schema):
    unit_id: int | None
    name: str
    figures: dict[str, FigureCell]


class SummaryOut(Schema):
    period: PeriodOut
    definitions: list[FigureDefinition]
    units: list[UnitFiguresOut]
    total: UnitFiguresOut


class SummaryQuery(Schema):
    year: int | None = Field(None, ge=1900, le=2200)
    quarter: int | None = Field(None, ge=1, le=4)
    month: int | None = Field(None, ge=1, le=12)


def _unit_out(unit):
    return UnitFiguresOut(unit_id=unit.unit_id, name=unit.name, figures={
        figure.code: FigureCell(count=value.count, amount=value.amount) for figure, value in unit.cells()})


@router.get("/projects/summary", response=SummaryOut,
            summary="项目汇总：期内开工/竣工/投产/签约/入库/完成投资与三个一批")
def project_summary(request, query: Query[SummaryQuery]):
    require_permission(request.user, "project.view")
    try:
        period = figures.period_from(year=query.year, quarter=query.quarter, month=query.month)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    table = figures.figure_table(user=request.user, period=period)
    return SummaryOut(
        period=PeriodOut(key=period.key, label=period.label, start=period.start, end=period.end),
        definitions=[FigureDefinition(code=f.code, label=f.label, kind=f.kind, amount_label=f.amount_label,
                                      definition=f.definition) for f in figures.FIGURES],
        units=[_unit_out(unit) for unit in table.units], total=_unit_out(table.total))


@router.post("/projects", response={201: ProjectOut}, summary="录入项目")
def project_create(request, payload: ProjectIn):
    unit_get(user=request.user, pk=payload.responsible_unit_id, action="project.edit")  # 404/403 as before
    data = _references(request, payload.dict())
    project = services.project_create(actor=Actor.from_request(request), **data)
    return Status(201, _one(request, project.pk))


@router.get("/projects/{project_id}", response=ProjectOut, summary="项目详情")
def project_detail(request, project_id: Id):
    return _one(request, project_id)


@router.patch("/projects/{project_id}", response=ProjectOut, summary="修改项目（需带版本号）")
def project_update(request, project_id: Id, payload: ProjectPatch):
    project = selectors.project_get(user=request.user, pk=project_id, action="project.edit")
    fields = _references(request, payload.dict(exclude_unset=True, exclude={"version"}))
    services.project_update(actor=Actor.from_request(request), project=project, expected_version=payload.version,
                            **fields)
    return _one(request, project_id)


@router.post("/projects/{project_id}/stage", response=ProjectOut, summary="变更阶段")
def project_stage(request, project_id: Id, payload: StageIn):
    project = selectors.project_get(user=request.user, pk=project_id, action="project.stage")
    services.project_change_stage(actor=Actor.from_request(request), project=project, to_stage=payload.to_stage,
                                  reason=payload.reason, effective_on=payload.effective_on)
    return _one(request, project_id)


@router.get("/projects/{project_id}/milestones", response=list[MilestoneOut], summary="节点计划与红黑旗")
def project_milestones(request, project_id: Id):
    project = selectors.project_get(user=request.user, pk=project_id)
    today = timezone.localdate()
    rows = list(project.milestones.order_by("seq"))
    for row in rows:
        row.flag = milestone_flag(row, today)
    return rows


@router.get("/projects/{project_id}/progress", response=list[ReportOut], summary="进度填报（含本年与累计数）")
def project_progress(request, project_id: Id):
    project = selectors.project_get(user=request.user, pk=project_id)
    return selectors.cumulative_for(project)


@router.post("/projects/{project_id}/progress", response={201: ReportOut}, summary="填报进度")
def project_progress_submit(request, project_id: Id, payload: ReportIn):
    project = selectors.project_get(user=request.user, pk=project_id, action="project.report")
    report = services.progress_report_submit(
        actor=Actor.from_request(request), project=project, period_key=payload.period_key, invested=payload.invested,
        progress_text=payload.progress_text, percent=payload.percent, workers=payload.workers,
        expected_version=payload.version)
    return Status(201, next(r for r in selectors.cumulative_for(project) if r.pk == report.pk))


class BattleMapRow(Schema):
    id: int
    name: str
    responsible_unit: str
    stage: str
    planned_start: date | None
    planned_completion: date | None
    light: str
    light_reasons: list[str]
    milestones: list[MilestoneOut]


class BattleMapOut(Schema):
    today: date
    truncated: bool
    rows: list[BattleMapRow]


@router.get("/battle-map", response=BattleMapOut, summary="挂图作战甘特数据")
def battle_map(request, query: Query[ProjectQuery]):
    require_permission(request.user, "project.view")
    today = timezone.localdate()
    projects = selectors.battle_map_rows(queryset=_filtered(request, query, today),
                                         limit=selectors.BATTLE_MAP_LIMIT + 1, today=today)
    # Plain dicts, validated once by the response schema (building the schema objects here validated
    # ~3,000 of them twice: docs/benchmarks.md).
    rows = [{"id": project.pk, "name": project.name, "responsible_unit": project.responsible_unit.name,
             "stage": project.stage, "planned_start": project.planned_start,
             "planned_completion": project.planned_completion, "light": project.verdict.light,
             "light_reasons": list(project.verdict.reasons),
             "milestones": [{"id": m.pk, "seq": m.seq, "name": m.name, "baseline_date": m.baseline_date,
                             "planned_date": m.planned_date, "actual_date": m.actual_date,
                             "replan_count": m.replan_count, "flag": milestone_flag(m, today)}
                            for m in project.milestones.all()]}
            for project in projects[: selectors.BATTLE_MAP_LIMIT]]
    return {"today": today, "truncated": len(projects) > selectors.BATTLE_MAP_LIMIT, "rows": rows}

