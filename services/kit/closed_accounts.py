"""The staff accounts closed at profiles, as every other service keeps them: a small collection of its own
fed by `profiles.staff.deactivated` (a closed account stays closed: profiles has no reactivation), read
on every authenticated request so that a closed account's tokens are refused within seconds of its
closing, whatever their expiry.

The read is by `_id` (the collection's own index). An account found closed is remembered for good; one
found open is remembered for at most `open_seconds` (1 s), so a stale "open" never outlives that."""

from __future__ import annotations

import time
from collections.abc import Callable

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import StaffDeactivatedV1
from services.kit.messaging import EventRouter
from services.kit.mongo import Document

COLLECTION = "closed_accounts"
REMEMBERED_AT_MOST = 10_000  # open accounts remembered at once: the cache is emptied beyond


class ClosedAccountList:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        *,
        open_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.collection = database[COLLECTION]
        self.open_seconds, self.clock = open_seconds, clock
        self._closed: set[str] = set()
        self._open_until: dict[str, float] = {}

    async def on_deactivated(self, envelope: Envelope, payload: StaffDeactivatedV1) -> None:
        await self.collection.update_one(
            {"_id": payload.staff_id},
            {"$setOnInsert": {"agency_id": payload.agency_id, "closed_at": envelope.occurred_at}},
            upsert=True,
        )

    def subscribe(self, router: EventRouter) -> EventRouter:
        return router.on("profiles.staff.deactivated", self.on_deactivated)

    async def is_closed(self, staff_id: str) -> bool:
        if staff_id in self._closed:
            return True
        now = self.clock()
        if self._open_until.get(staff_id, 0.0) > now:
            return False
        if await self.collection.find_one({"_id": staff_id}, {"_id": 1}) is not None:
            self._closed.add(staff_id)
            self._open_until.pop(staff_id, None)
            return True
        if len(self._open_until) >= REMEMBERED_AT_MOST:
            self._open_until.clear()
        self._open_until[staff_id] = now + self.open_seconds
        return False
