"""Pagination and identifiers with bounds, so absurd numbers are a 422, never a database overflow.

Every page a client pulls is audited like an export (action ``export``, with the rows it carried):
paging through a list is a bulk read.
"""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from zoneops.audit.context import Actor
from zoneops.audit.services import audit_record

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 200
# Primary keys are 64-bit signed integers in every supported database.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Money in integer 元, up to 10 万亿元 (far above any project, far below a 64-bit overflow).
Money = Annotated[int, Field(ge=0, le=10**17, description="元")]


class BoundedPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size=50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        rows = len(page["items"])
        target = (queryset.model._meta.label_lower, "", f"API {request.path}")
        audit_record(Actor.from_request(request), "export", target,
                     changes={"page": pagination.page, "rows": rows, "total": page["count"]},
                     detail=f"API分页读取：{request.get_full_path()}"[:500])
        return page
