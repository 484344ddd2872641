"""Units and people over JSON. Every read goes through the scoped selectors."""

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zoneops.api.pagination import BoundedPagination, Id
from zoneops.audit.context import Actor
from zoneops.org import selectors, services
from zoneops.org.models import UnitKind
from zoneops.org.scope import user_grants

router = Router(tags=["组织"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    depth: int
    is_active: bool
    version: int
    updated_at: datetime


class UnitIn(Schema):
    parent_id: Id
    code: str = Field(max_length=32)
    name: str = Field(max_length=100, min_length=1)
    short_name: str = Field("", max_length=30)
    kind: UnitKind
    sort_order: int = Field(0, ge=-(2**31), le=2**31 - 1)


class UnitPatch(Schema):
    version: int
    name: str | None = Field(None, max_length=100, min_length=1)
    short_name: str | None = Field(None, max_length=30)
    kind: UnitKind | None = None
    sort_order: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    is_active: bool | None = None


class PersonOut(Schema):
    id: int
    username: str
    name: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    title: str
    phone: str
    is_active: bool
    version: int


class PersonIn(Schema):
    username: str = Field(max_length=50, min_length=1)
    name: str = Field(max_length=50, min_length=1)
    unit_id: Id
    title: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    password: str | None = Field(None, max_length=128)


class GrantOut(Schema):
    role: str
    role_name: str
    scope: str
    unit_id: int | None


class MeOut(Schema):
    id: int
    username: str
    name: str
    title: str
    unit: UnitOut
    must_change_password: bool
    grants: list[GrantOut]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    person = request.user
    grants = [GrantOut(role=g.role.code, role_name=g.role.name, scope=g.scope, unit_id=g.unit_id)
              for g in user_grants(person)]
    return MeOut(id=person.pk, username=person.username, name=person.name, title=person.title,
                 unit=UnitOut.from_orm(person.unit), must_change_password=person.must_change_password, grants=grants)


@router.get("/units", response=list[UnitOut], summary="单位列表（按数据范围）")
@paginate(BoundedPagination)
def unit_list(request, q: str = Query("", max_length=50), kind: str = Query("", max_length=20)):
    return selectors.unit_list(user=request.user, q=q, kind=kind).order_by("path")


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def unit_detail(request, unit_id: Id):
    return selectors.unit_get(user=request.user, pk=unit_id)


@router.post("/units", response={201: UnitOut}, summary="新建单位")
def unit_create(request, payload: UnitIn):
    parent = selectors.unit_get(user=request.user, pk=payload.parent_id, action="unit.manage")
    data = payload.dict(exclude={"parent_id"})
    return Status(201, services.unit_create(actor=Actor.from_request(request), parent=parent, **data))


@router.patch("/units/{unit_id}", response=UnitOut, summary="修改单位（需带版本号）")
def unit_update(request, unit_id: int, payload: UnitPatch):
    unit = selectors.unit_get(user=request.user, pk=unit_id, action="unit.manage")
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    return services.unit_update(actor=Actor.from_request(request), unit=unit, expected_version=payload.version,
                                **fields)


@router.get("/people", response=list[PersonOut], summary="人员列表（按数据范围）")
@paginate(BoundedPagination)
def person_list(request, q: str = Query("", max_length=50)):
    return selectors.person_list(user=request.user, q=q).order_by("unit__path", "name")


@router.get("/people/{person_id}", response=PersonOut, summary="人员详情")
def person_detail(request, person_id: Id):
    return selectors.person_get(user=request.user, pk=person_id)


@router.post("/people", response={201: PersonOut}, summary="新增人员")
def person_create(request, payload: PersonIn):
    unit = selectors.unit_get(user=request.user, pk=payload.unit_id, action="person.manage")
    data = payload.dict(exclude={"unit_id"})
    return Status(201, services.person_create(actor=Actor.from_request(request), unit=unit, **data))
