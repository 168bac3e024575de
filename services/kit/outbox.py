"""The transactional outbox: events stored in the aggregate's own document, in the same single-document
write as the state change, then published by a relay that claims work with a lease.

Delivery is at-least-once: a relay that dies after publishing and before removing its events lets the
lease expire, and another relay publishes them again; consumers deduplicate with their inbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from services.contracts.envelope import Envelope
from services.kit.mongo import Document

OUTBOX = "outbox"
LEASE = "outbox_lease"
VERSION = "version"

log = logging.getLogger(__name__)


class ConcurrentUpdate(Exception):
    """The aggregate changed since it was read: reload and decide again."""

    def __init__(self, aggregate_id: str, expected_version: int) -> None:
        super().__init__(f"{aggregate_id} is no longer at version {expected_version}")
        self.aggregate_id = aggregate_id
        self.expected_version = expected_version


def outbox_entry(envelope: Envelope, topic: str) -> Document:
    """What is stored per pending event. Plain strings only, so that the relay can remove an entry by
    exact equality ($pullAll), which both MongoDB and FerretDB v1 support."""
    return {
        "event_id": envelope.event_id,
        "topic": topic,
        "key": envelope.aggregate_id,
        "value": envelope.model_dump_json(),
        "headers": envelope.headers(),
    }


class OutboxWriter:
    """Writes state and events together; wakes the relay so that events leave at once."""

    def __init__(self, wake_relay: Callable[[], None] = lambda: None) -> None:
        self._wake_relay = wake_relay

    async def insert(
        self,
        collection: AsyncCollection[Document],
        document: Document,
        events: Sequence[tuple[Envelope, str]],
    ) -> None:
        """A new aggregate at version 1 with its first events. Raises DuplicateKeyError if it exists."""
        stored = {
            **document,
            VERSION: document.get(VERSION, 1),
            OUTBOX: [outbox_entry(e, t) for e, t in events],
        }
        await collection.insert_one(stored)
        self._wake_relay()

    async def update(
        self,
        collection: AsyncCollection[Document],
        aggregate_id: str,
        expected_version: int,
        changes: Document,
        events: Sequence[tuple[Envelope, str]],
    ) -> int:
        """Apply `changes` ($set) and append `events` if the aggregate is still at `expected_version`.
        Returns the new version."""
        update: dict[str, Any] = {"$inc": {VERSION: 1}}
        if changes:
            update["$set"] = changes
        if events:
            update["$push"] = {OUTBOX: {"$each": [outbox_entry(e, t) for e, t in events]}}
        result = await collection.update_one({"_id": aggregate_id, VERSION: expected_version}, update)
        if result.matched_count == 0:
            raise ConcurrentUpdate(aggregate_id, expected_version)
        if events:
            self._wake_relay()
        return expected_version + 1


class EventSender(Protocol):
    """Sends one record and returns an awaitable that resolves once the broker has acknowledged it."""

    async def __call__(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> Awaitable[Any]: ...


class OutboxRelay:
    """Publishes pending outbox entries of some collections, in order per aggregate."""

    def __init__(
        self,
        collections: Sequence[AsyncCollection[Document]],
        send: EventSender,
        *,
        owner: str | None = None,
        lease_seconds: float = 15.0,
        sweep_seconds: float = 1.0,
        batch_size: int = 500,
        on_published: Callable[[str, int], None] = lambda topic, count: None,
    ) -> None:
        self.collections = list(collections)
        self.send = send
        self.owner = owner or f"relay-{uuid.uuid4()}"
        self.lease = timedelta(seconds=lease_seconds)
        self.sweep_seconds = sweep_seconds
        self.batch_size = batch_size
        self.on_published = on_published
        self._wake = asyncio.Event()
        self.healthy = False

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Until cancelled: drain on every wake-up, and sweep periodically for what others left behind."""
        failures = 0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.sweep_seconds)
            self._wake.clear()
            try:
                while await self.relay_once() > 0:
                    pass
                self.healthy, failures = True, 0
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.healthy = False
                failures += 1
                delay = min(0.2 * 2**failures, 10.0)
                log.warning("outbox relay failed, retrying in %.1f s: %s", delay, error)
                await asyncio.sleep(delay)

    async def relay_once(self) -> int:
        """Claim, publish and remove one batch per collection; returns how many events were published."""
        published = 0
        for collection in self.collections:
            published += await self._relay_collection(collection)
        return published

    async def _relay_collection(self, collection: AsyncCollection[Document]) -> int:
        claimed = await self._claim(collection)
        if not claimed:
            return 0
        entries = [entry for document in claimed for entry in document[OUTBOX]]
        acknowledgements = [
            await self.send(entry["topic"], entry["key"], entry["value"].encode(), entry["headers"])
            for entry in entries
        ]
        await asyncio.gather(*acknowledgements)
        await self._remove(collection, claimed, entries)
        for topic in {entry["topic"] for entry in entries}:
            self.on_published(topic, sum(1 for entry in entries if entry["topic"] == topic))
        return len(entries)

    def _claimable(self, now: datetime) -> Document:
        return {f"{OUTBOX}.0": {"$exists": True}, "$or": [{LEASE: None}, {f"{LEASE}.until": {"$lt": now}}]}

    async def _claim(self, collection: AsyncCollection[Document]) -> list[Document]:
        now = datetime.now(UTC)
        candidates = await collection.find(self._claimable(now), {"_id": 1}).limit(self.batch_size).to_list()
        if not candidates:
            return []
        token = str(uuid.uuid4())
        # Each document is claimed atomically by its own filter: of two relays, one only gets it.
        await collection.update_many(
            {"_id": {"$in": [c["_id"] for c in candidates]}, **self._claimable(now)},
            {"$set": {LEASE: {"owner": self.owner, "token": token, "until": now + self.lease}}},
        )
        return await collection.find({f"{LEASE}.token": token}, {OUTBOX: 1, LEASE: 1}).to_list()

    async def _remove(
        self, collection: AsyncCollection[Document], claimed: list[Document], entries: list[Document]
    ) -> None:
        token = claimed[0][LEASE]["token"]
        await collection.update_many({f"{LEASE}.token": token}, {"$pullAll": {OUTBOX: entries}, "$unset": {LEASE: ""}})

    async def pending(self) -> int:
        """How many events wait in the outboxes (for metrics and tests)."""
        total = 0
        for collection in self.collections:
            async for document in collection.find({f"{OUTBOX}.0": {"$exists": True}}, {OUTBOX: 1}):
                total += len(document[OUTBOX])
        return total
