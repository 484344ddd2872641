"""Problems over JSON: the same scoped selectors and services as the pages."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from zoneops.api.pagination import BoundedPagination, Id
from zoneops.audit.context import Actor
from zoneops.org.models import Unit
from zoneops.org.scope import require_permission
from zoneops.problems import selectors, services
from zoneops.problems.choices import Status
from zoneops.problems.models import ProblemCategory
from zoneops.problems.workflow import PROBLEM_MACHINE, status_history
from zoneops.projects.models import Project

router = Router(tags=["问题台账"])


class ProblemOut(Schema):
    id: int
    title: str
    category: str = Field(alias="category.name")
    description: str
    project_id: int | None
    raising_unit_id: int
    raising_unit_name: str = Field(alias="raising_unit.name")
    responsible_unit_id: int
    responsible_unit_name: str = Field(alias="responsible_unit.name")
    co_unit_ids: list[int]
    raised_on: date
    workdays: int
    due_date: date
    deadline_state: str
    status: str
    status_label: str
    level: int
    level_label: str
    escalated_unit_id: int | None
    return_reason: str
    park_reason: str
    park_review_on: date | None
    rating: int | None
    rating_comment: str
    closed_on: date | None

    @staticmethod
    def resolve_co_unit_ids(obj):
        return [link.unit_id for link in obj.co_unit_links.all()]

    @staticmethod
    def resolve_deadline_state(obj):
        return obj.deadline_state().value

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class ProblemIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    category_id: Id
    description: str = Field(min_length=1, max_length=4000)
    raising_unit_id: Id
    responsible_unit_id: Id
    co_unit_ids: list[Id] = Field(default_factory=list, max_length=50)
    project_id: Id | None = None
    workdays: int | None = Field(None, ge=1, le=365, description="办理时限（工作日），空为分类默认")


class TransitionIn(Schema):
    to_status: Status = Field(description="目标状态。允许的变更：" + "；".join(
        f"{PROBLEM_MACHINE.label(m.source)}→{PROBLEM_MACHINE.label(m.target)}"
        + ("（须说明原因）" if m.reason else "") for m in PROBLEM_MACHINE.transitions))
    reason: str = Field("", max_length=500)
    review_on: date | None = Field(None, description="挂账复核日期（挂账时必填）")
    rating: int | None = Field(None, ge=1, le=5, description="满意度（销号时必填）")
    comment: str = Field("", max_length=500)


class TransitionOut(Schema):
    from_state: str
    to_state: str
    from_label: str
    to_label: str
    reason: str
    actor_id: int | None
    at: datetime


class EventOut(Schema):
    kind: str
    text: str
    actor_id: int | None
    at: datetime


class ProblemQuery(Schema):
    status: Status | None = None


def _one(request, problem_id):
    return selectors.problem_list(user=request.user).prefetch_related("co_unit_links").get(pk=problem_id)


@router.get("/problems", response=list[ProblemOut], summary="问题台账（按数据范围）")
@paginate(BoundedPagination)
def problem_list(request, query: Query[ProblemQuery]):
    require_permission(request.user, "problem.view")
    rows = selectors.problem_list(user=request.user).prefetch_related("co_unit_links")
    return rows.filter(status=query.status) if query.status else rows


@router.post("/problems", response={201: ProblemOut}, summary="提出问题")
def problem_create(request, payload: ProblemIn):
    require_permission(request.user, "problem.raise")
    units = selectors.assignable_units(request.user)
    problem = services.problem_raise(
        actor=Actor.from_request(request), title=payload.title, description=payload.description,
        category=ProblemCategory.objects.get(pk=payload.category_id, is_active=True),
        raising_unit=Unit.objects.restrict(request.user, "problem.raise").get(pk=payload.raising_unit_id),
        responsible_unit=units.get(pk=payload.responsible_unit_id),
        co_units=[units.get(pk=pk) for pk in payload.co_unit_ids],
        project=(Project.objects.restrict(request.user, "project.view").get(pk=payload.project_id)
                 if payload.project_id else None),
        workdays=payload.workdays)
    return Reply(201, _one(request, problem.pk))


@router.get("/problems/{problem_id}", response=ProblemOut, summary="问题详情")
def problem_detail(request, problem_id: Id):
    return _one(request, problem_id)


@router.post("/problems/{problem_id}/transitions", response=ProblemOut,
             summary="问题流转（交办、办理、退回、挂账、销号）")
def problem_transition(request, problem_id: Id, payload: TransitionIn):
    problem = _one(request, problem_id)
    services.problem_transition(actor=Actor.from_request(request), problem=problem, to_status=payload.to_status,
                                reason=payload.reason, review_on=payload.review_on, rating=payload.rating,
                                comment=payload.comment)
    return _one(request, problem_id)


@router.get("/problems/{problem_id}/transitions", response=list[TransitionOut], summary="状态变更记录")
def problem_transitions(request, problem_id: Id):
    return status_history(_one(request, problem_id))


@router.get("/problems/{problem_id}/timeline", response=list[EventOut], summary="问题动态（每一次变更）")
def problem_timeline(request, problem_id: Id):
    return selectors.timeline(_one(request, problem_id))
