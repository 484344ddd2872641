"""Enterprises over JSON: the same scoped selectors, filter and services as the pages; contact phones
masked as on the pages for people without enterprise.contact."""

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zoneops.api.pagination import BoundedPagination, Id
from zoneops.audit.context import Actor
from zoneops.core.errors import ValidationError
from zoneops.core.models import IndustryCode, Region
from zoneops.enterprises import selectors, services
from zoneops.enterprises.choices import Flag
from zoneops.enterprises.filtersets import enterprise_filterset, filtered_or_invalid
from zoneops.org.selectors import unit_get

router = Router(tags=["企业库"])


class ContactOut(Schema):
    name: str
    title: str
    phone: str = Field(description="无“查看企业联系人电话”权限时脱敏，如 139****5678")

    @staticmethod
    def resolve_phone(obj):
        return obj.shown_phone


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    title: str = Field("", max_length=50)
    phone: str = Field("", max_length=30)


class EnterpriseOut(Schema):
    id: int
    uscc: str = Field(description="统一社会信用代码；境外投资者可为空")
    name: str
    former_names: list[str]
    region_id: str | None
    industry_id: str | None
    flags: list[str]
    address: str
    note: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    contacts: list[ContactOut]
    phone_visible: bool
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_former_names(obj):
        return [former.name for former in obj.former_names.all()]

    @staticmethod
    def resolve_flags(obj):
        return obj.flag_list

    @staticmethod
    def resolve_contacts(obj):
        return obj.shown_contacts


class EnterpriseIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field("", max_length=18)
    unit_id: Id
    region_id: str | None = Field(None, max_length=6)
    industry_id: str | None = Field(None, max_length=4)
    flags: list[Flag] = Field(default_factory=list, max_length=len(Flag.choices))
    address: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    former_names: list[str] = Field(default_factory=list, max_length=20)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)
    confirm_similar: bool = Field(False, description="名称相近的企业已存在时，确认不是同一企业")


class EnterprisePatch(Schema):
    version: int = Field(ge=1, le=2**31 - 1)
    name: str | None = Field(None, min_length=1, max_length=200)
    uscc: str | None = Field(None, max_length=18)
    region_id: str | None = Field(None, max_length=6)
    industry_id: str | None = Field(None, max_length=4)
    flags: list[Flag] | None = Field(None, max_length=len(Flag.choices))
    address: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=2000)
    former_names: list[str] | None = Field(None, max_length=20)
    contacts: list[ContactIn] | None = Field(None, max_length=20, description="需“查看企业联系人电话”权限")
    confirm_similar: bool = False


class EnterpriseQuery(Schema):
    q: str = Field("", max_length=50, description="名称、曾用名、信用代码或拼音首字母")
    region: str = Field("", max_length=6, description="总部地区代码前缀")
    industry: str = Field("", max_length=4, description="行业代码（门类字母或数字前缀）")
    flag: str = Field("", max_length=20, description="企业标签")


def _reference(model, code, field, message):
    if not code:
        return None
    row = model.objects.filter(pk=code).first()
    if row is None:
        raise ValidationError({field: message})
    return row


def _one(request, pk, action="enterprise.view"):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk, action=action)
    return selectors.with_contacts(user=request.user, enterprises=[enterprise])[0]


class ContactsPagination(BoundedPagination):
    """Page numbers, with contacts (masked where due) for the rows of the page only."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = selectors.with_contacts(user=request.user, enterprises=page["items"])
        return page


@router.get("/enterprises", response=list[EnterpriseOut], summary="企业库（按数据范围，可筛选）")
@paginate(ContactsPagination)
def enterprise_list(request, query: Query[EnterpriseQuery]):
    data = {name: value for name, value in query.dict().items() if value}
    queryset = filtered_or_invalid(enterprise_filterset(data, user=request.user))
    return queryset.prefetch_related("former_names", "contacts").order_by("name", "pk")


@router.post("/enterprises", response={201: EnterpriseOut}, summary="登记企业")
def enterprise_create(request, payload: EnterpriseIn):
    unit = unit_get(user=request.user, pk=payload.unit_id, action="enterprise.edit")
    data = payload.dict(exclude={"unit_id", "region_id", "industry_id", "contacts", "flags"})
    enterprise = services.enterprise_create(
        actor=Actor.from_request(request), unit=unit, flags=[str(flag) for flag in payload.flags],
        region=_reference(Region, payload.region_id, "region", "未知的行政区划代码。"),
        industry=_reference(IndustryCode, payload.industry_id, "industry", "未知的国民经济行业代码。"),
        contacts=[contact.dict() for contact in payload.contacts], **data)
    return Status(201, _one(request, enterprise.pk))


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="企业详情")
def enterprise_detail(request, enterprise_id: Id):
    return _one(request, enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="修改企业（需带版本号）")
def enterprise_update(request, enterprise_id: Id, payload: EnterprisePatch):
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id, action="enterprise.edit")
    actor = Actor.from_request(request)
    fields = payload.dict(exclude_unset=True, exclude={"version", "confirm_similar"})
    if "region_id" in fields:
        fields["region"] = _reference(Region, fields.pop("region_id"), "region", "未知的行政区划代码。")
    if "industry_id" in fields:
        fields["industry"] = _reference(IndustryCode, fields.pop("industry_id"), "industry",
                                        "未知的国民经济行业代码。")
    if fields.get("flags") is not None:
        fields["flags"] = [str(flag) for flag in fields["flags"]]
    if "contacts" in fields:
        if not selectors.phone_visible_ids(user=request.user, enterprises=[enterprise]):
            raise services.PermissionDenied("您无权修改该企业的联系人。")
        fields["contacts"] = [dict(contact) for contact in fields["contacts"] or []]
    for name in ("name", "uscc", "address", "note", "flags"):
        if name in fields and fields[name] is None:
            fields.pop(name)
    services.enterprise_update(actor=actor, enterprise=enterprise, expected_version=payload.version,
                               confirm_similar=payload.confirm_similar, **fields)
    return _one(request, enterprise_id)
