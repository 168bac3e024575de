"""The staff member's inbox (thin): list, unread count, mark read, the live stream (Server-Sent Events),
and their preferences per kind of notification."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from services.contracts.events.notifications import NotificationCreatedV1
from services.kit.identity import Caller, CurrentCaller, current_caller
from services.kit.mongo import Document
from services.kit.pagination import After, announce_next
from services.notifications.adapters.inbox import StaffInbox
from services.notifications.dispatcher import Dispatcher
from services.notifications.domain.routing import STAFF_DEFAULTS, Kind, Preference
from services.notifications.live import HEARTBEAT_SECONDS, Hub

router = APIRouter(tags=["inbox"])
REPLAY_LIMIT = 500  # a browser away for longer reloads its inbox


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
    def of(cls, d: Document) -> NotificationOut:
        return cls.model_validate({**d, "notification_id": d["_id"], "sequence": d["_id"]})


class PreferencesIn(BaseModel):
    kinds: dict[Kind, Preference] = Field(description="per kind: live, email, both or none")


def dispatcher_of(request: Request) -> Dispatcher:
    dispatcher: Dispatcher = request.app.state.dispatcher
    return dispatcher


def inbox_of(request: Request) -> StaffInbox:
    return dispatcher_of(request).inbox


@router.get(
    "/inbox",
    summary="Your notifications, newest first; the next page is announced in the X-Next-Cursor and Link headers "
    "(?after=)",
)
async def inbox(
    caller: CurrentCaller,
    request: Request,
    response: Response,
    unread_only: bool = False,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationOut]:
    found = await inbox_of(request).page(caller.staff_id, unread_only=unread_only, after=after, limit=limit)
    announce_next(request, response, found, limit)
    return [NotificationOut.of(d) for d in found]


@router.get("/inbox/unread-count", summary="How many notifications you have not read")
async def unread(caller: CurrentCaller, request: Request) -> dict[str, int]:
    return {"unread": await inbox_of(request).unread_count(caller.staff_id)}


@router.post("/inbox/{notification_id}/read", summary="Mark one notification read")
async def mark_read(notification_id: str, caller: CurrentCaller, request: Request) -> NotificationOut:
    found = await inbox_of(request).mark_read(caller.staff_id, notification_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no notification {notification_id} in your inbox")
    return NotificationOut.of(found)


@router.post("/inbox/read-all", summary="Mark every notification read")
async def mark_all_read(caller: CurrentCaller, request: Request) -> dict[str, int]:
    return {"marked": await inbox_of(request).mark_all_read(caller.staff_id)}


@router.get("/preferences", summary="How you hear of each kind of notification (defaults included)")
async def preferences(caller: CurrentCaller, request: Request) -> PreferencesIn:
    found = await dispatcher_of(request).preferences.find_one({"_id": caller.staff_id}) or {}
    chosen = {Kind(k): Preference(v) for k, v in found.get("kinds", {}).items()}
    return PreferencesIn(kinds={**STAFF_DEFAULTS, **chosen})


@router.put("/preferences", summary="Choose live, email, both or none per kind")
async def set_preferences(body: PreferencesIn, caller: CurrentCaller, request: Request) -> PreferencesIn:
    kinds = {k.value: v.value for k, v in body.kinds.items()}
    store = dispatcher_of(request).preferences
    await store.update_one({"_id": caller.staff_id}, {"$set": {f"kinds.{k}": v for k, v in kinds.items()}}, upsert=True)
    return await preferences(caller, request)


def stream_caller(
    request: Request,
    access_token: Annotated[str | None, Query(description="EventSource cannot send headers: the token here")] = None,
) -> Caller:
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else access_token
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token) if token else None
    return current_caller(request, credentials)


def expired(caller: Caller) -> bool:
    """A stream lives no longer than its token: the browser reconnects with a fresh one."""
    return caller.expires_at is not None and datetime.now(UTC) >= caller.expires_at


def _frame(notification: NotificationCreatedV1) -> str:
    data = json.dumps(notification.model_dump(mode="json"), ensure_ascii=False)
    return f"id: {notification.sequence}\nevent: notification\ndata: {data}\n\n"


@router.get(
    "/inbox/stream",
    summary="Server-Sent Events: your notifications as they come (send Last-Event-ID to get what you missed)",
    response_class=StreamingResponse,
)
async def stream(
    request: Request,
    caller: Annotated[Caller, Depends(stream_caller)],
    last_event_id: Annotated[str | None, Query(description="or the Last-Event-ID header")] = None,
) -> StreamingResponse:
    hub: Hub = request.app.state.hub
    since = request.headers.get("last-event-id") or last_event_id
    entries = inbox_of(request)

    async def events() -> AsyncIterator[str]:
        with hub.listen(caller.staff_id) as queue:
            yield ": connected\n\n"
            replayed: set[str] = set()
            if since:
                for d in await entries.stored_after(caller.staff_id, since, REPLAY_LIMIT):
                    replayed.add(d["_id"])
                    yield _frame(
                        NotificationCreatedV1.model_validate({**d, "notification_id": d["_id"], "sequence": d["_id"]})
                    )
            while not await request.is_disconnected() and not hub.behind(queue) and not expired(caller):
                try:
                    notification = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                if notification.notification_id not in replayed:
                    yield _frame(notification)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
