"""A staff member's inbox: the list, the unread count, marking read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from services.kit.domain import NotFound
from services.kit.identity import CurrentCaller
from services.kit.pagination import After, announce_next
from services.notifications.deps import InboxService
from services.notifications.domain.inbox_entry import InboxEntry

router = APIRouter(tags=["inbox"])


class NotificationOut(BaseModel):
    notification_id: str
    sequence: str = Field(description="the same as notification_id: ids are in the order entries were stored")
    kind: str
    title: str
    body: str
    url: str
    subject_id: str
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, entry: InboxEntry) -> NotificationOut:
        return cls.model_validate({**entry.notification().model_dump(), "read": entry.read})


@router.get(
    "/inbox",
    summary="Your notifications, newest first; the next page is announced in the X-Next-Cursor and Link headers "
    "(?after=)",
)
async def inbox(
    caller: CurrentCaller,
    entries: InboxService,
    request: Request,
    response: Response,
    unread_only: bool = False,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationOut]:
    found = await entries.page(caller.staff_id, unread_only=unread_only, after=after, limit=limit)
    announce_next(request, response, found, limit, lambda entry: entry.id)
    return [NotificationOut.of(entry) for entry in found]


@router.get("/inbox/unread-count", summary="How many notifications you have not read")
async def unread(caller: CurrentCaller, entries: InboxService) -> dict[str, int]:
    return {"unread": await entries.unread_count(caller.staff_id)}


@router.post("/inbox/{notification_id}/read", summary="Mark one notification read")
async def mark_read(notification_id: str, caller: CurrentCaller, entries: InboxService) -> NotificationOut:
    found = await entries.mark_read(caller.staff_id, notification_id)
    if found is None:
        raise NotFound("Cette notification n'est pas dans votre boîte.", code="notification_not_found")
    return NotificationOut.of(found)


@router.post("/inbox/read-all", summary="Mark every notification read")
async def mark_all_read(caller: CurrentCaller, entries: InboxService) -> dict[str, int]:
    return {"marked": await entries.mark_all_read(caller.staff_id)}
