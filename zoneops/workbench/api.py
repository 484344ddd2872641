"""My workbench items over JSON."""

from datetime import date

from ninja import Router, Schema

from zoneops.core import workbench

router = Router(tags=["工作台"])


class WorkItemOut(Schema):
    module: str
    kind: str
    label: str
    title: str
    url: str
    urgency: int
    due: date | None
    detail: str
    action: str


@router.get("/workbench", response=list[WorkItemOut], summary="我的待办（工作台），最紧急的在前")
def items(request):
    return workbench.items_for(request.user)
