"""The live stream of a staff member's notifications (Server-Sent Events), resumable with Last-Event-ID,
opened with a single-use ticket (`POST /stream-tickets`) rather than the API token, which never goes in
a URL. Each frame names the people it is about as it leaves (`use_cases.people`: the delivery topic
carries ids only). A grouped suggestion that grows comes again under its own id. A stream ends when the
session that asked for it would have (the browser asks for a new ticket), and within seconds of the
account's closing."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from services.contracts.events.notifications import NotificationCreatedV1
from services.kit.identity import ClosedAccounts, CurrentCaller
from services.notifications.adapters.live import HEARTBEAT_SECONDS
from services.notifications.deps import (
    InboxService,
    Listener,
    LiveHub,
    PeopleService,
    StreamListener,
    StreamTicketsService,
)

router = APIRouter(tags=["inbox"])
REPLAY_LIMIT = 500  # a browser away for longer reloads its inbox
ACCOUNT_CHECK_SECONDS = 2.0  # how soon an open stream of a closed account ends


class StreamTicketOut(BaseModel):
    ticket: str = Field(description="for GET /inbox/stream?ticket=…: opens one stream, once")
    expires_in: int = Field(description="seconds left to open the stream with it")


@router.post("/stream-tickets", summary="A single-use ticket (60 s) to open your live stream", status_code=201)
async def new_stream_ticket(caller: CurrentCaller, tickets: StreamTicketsService) -> StreamTicketOut:
    ticket, expires_in = tickets.issue(caller)
    return StreamTicketOut(ticket=ticket, expires_in=expires_in)


def expired(listener: Listener) -> bool:
    return listener.until is not None and datetime.now(UTC) >= listener.until


def _frame(notification: NotificationCreatedV1) -> str:
    data = json.dumps(notification.model_dump(mode="json"), ensure_ascii=False)
    return f"id: {notification.sequence}\nevent: notification\ndata: {data}\n\n"


async def _closed(request: Request, staff_id: str) -> bool:
    accounts: ClosedAccounts = request.app.state.closed_accounts
    try:
        return await accounts.is_closed(staff_id)
    except Exception:
        return True  # the database does not answer: the stream ends, the browser comes back with a ticket


@router.get(
    "/inbox/stream",
    summary="Server-Sent Events: your notifications as they come (send Last-Event-ID to get what you missed)",
    response_class=StreamingResponse,
)
async def stream(
    request: Request,
    listener: StreamListener,
    hub: LiveHub,
    entries: InboxService,
    people: PeopleService,
    last_event_id: Annotated[str | None, Query(description="or the Last-Event-ID header")] = None,
) -> StreamingResponse:
    since = request.headers.get("last-event-id") or last_event_id

    async def events() -> AsyncIterator[str]:
        with hub.listen(listener.staff_id) as queue:
            yield ": connected\n\n"
            replayed: set[str] = set()
            if since:
                missed = await entries.missed(listener.staff_id, since, REPLAY_LIMIT)
                for notification in await people.named(listener.staff_id, [e.notification() for e in missed]):
                    replayed.add(notification.sequence)
                    yield _frame(notification)
            beat = time.monotonic()
            while not await request.is_disconnected() and not hub.behind(queue) and not expired(listener):
                if await _closed(request, listener.staff_id):
                    return
                try:
                    notification = await asyncio.wait_for(queue.get(), timeout=ACCOUNT_CHECK_SECONDS)
                except TimeoutError:
                    if time.monotonic() - beat >= HEARTBEAT_SECONDS:
                        beat = time.monotonic()
                        yield ": still here\n\n"
                    continue
                if notification.sequence not in replayed:
                    (named,) = await people.named(listener.staff_id, [notification])
                    yield _frame(named)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
