"""The person's inbox over JSON."""

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from zoneops.api.pagination import BoundedPagination, Id
from zoneops.audit.context import Actor
from zoneops.notifications import selectors, services

router = Router(tags=["消息"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


@router.get("/inbox", response=list[NotificationOut], summary="我的消息")
@paginate(BoundedPagination)
def inbox(request, unread: bool = False):
    return selectors.inbox(user=request.user, unread_only=unread)


@router.get("/inbox/unread", response=UnreadOut, summary="未读消息数")
def unread(request):
    return {"unread": selectors.unread_count(request.user)}


@router.post("/inbox/{notification_id}/read", response=NotificationOut, summary="标为已读")
def read(request, notification_id: Id):
    row = selectors.inbox(user=request.user).get(pk=notification_id)
    services.mark_read(actor=Actor.from_request(request), notification=row)
    row.refresh_from_db()
    return row
