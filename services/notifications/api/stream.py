"""The live stream of a staff member's notifications (Server-Sent Events), resumable with Last-Event-ID."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from services.contracts.events.notifications import NotificationCreatedV1
from services.kit.identity import Caller
from services.notifications.adapters.live import HEARTBEAT_SECONDS
from services.notifications.deps import InboxService, LiveHub, StreamCaller

router = APIRouter(tags=["inbox"])
REPLAY_LIMIT = 500  # a browser away for longer reloads its inbox


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
    caller: StreamCaller,
    hub: LiveHub,
    entries: InboxService,
    last_event_id: Annotated[str | None, Query(description="or the Last-Event-ID header")] = None,
) -> StreamingResponse:
    since = request.headers.get("last-event-id") or last_event_id

    async def events() -> AsyncIterator[str]:
        with hub.listen(caller.staff_id) as queue:
            yield ": connected\n\n"
            replayed: set[str] = set()
            if since:
                for entry in await entries.missed(caller.staff_id, since, REPLAY_LIMIT):
                    replayed.add(entry.id)
                    yield _frame(entry.notification())
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
