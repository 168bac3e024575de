"""A staff member's inbox: the list, the unread count, marking read. Notifications are shown with the names
of the people they are about (`use_cases.people`), asked once per answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from services.contracts.events.notifications import NotificationCreatedV1
from services.kit.domain import NotFound
from services.kit.identity import CurrentCaller
from services.kit.pagination import After, announce_next
from services.notifications.deps import InboxService, PeopleService
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
    beneficiary_id: str = Field(description="the beneficiary it is about (named in the title or body), or empty")
    peer_ids: list[str] = Field(description="the peers it is about: a grouped suggestion's, or the one concerned")

    @classmethod
    def of(cls, entry: InboxEntry, shown: NotificationCreatedV1) -> NotificationOut:
        return cls.model_validate({**shown.model_dump(), "read": entry.read})


async def shown(entries: list[InboxEntry], staff_id: str, people: PeopleService) -> list[NotificationOut]:
    named = await people.named(staff_id, [entry.notification() for entry in entries])
    return [NotificationOut.of(entry, notification) for entry, notification in zip(entries, named, strict=True)]


@router.get(
    "/inbox",
    summary="Your notifications, newest first; the next page is announced in the X-Next-Cursor and Link headers "
    "(?after=)",
)
async def inbox(
    caller: CurrentCaller,
    entries: InboxService,
    people: PeopleService,
    request: Request,
    response: Response,
    unread_only: bool = False,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationOut]:
    found = await entries.page(caller.staff_id, unread_only=unread_only, after=after, limit=limit)
    announce_next(request, response, found, limit, lambda entry: entry.id)
    return await shown(found, caller.staff_id, people)


@router.get("/inbox/unread-count", summary="How many notifications you have not read")
async def unread(caller: CurrentCaller, entries: InboxService) -> dict[str, int]:
    return {"unread": await entries.unread_count(caller.staff_id)}


@router.post("/inbox/{notification_id}/read", summary="Mark one notification read")
async def mark_read(
    notification_id: str, caller: CurrentCaller, entries: InboxService, people: PeopleService
) -> NotificationOut:
    found = await entries.mark_read(caller.staff_id, notification_id)
    if found is None:
        raise NotFound("Cette notification n'est pas dans votre boîte.", code="notification_not_found")
    (one,) = await shown([found], caller.staff_id, people)
    return one


@router.post("/inbox/read-all", summary="Mark every notification read")
async def mark_all_read(caller: CurrentCaller, entries: InboxService) -> dict[str, int]:
    return {"marked": await entries.mark_all_read(caller.staff_id)}
