"""The transactional outbox: events stored in the aggregate's own document, in the same single-document
write as the state change, then published by a relay.

One relay at a time publishes a service's outboxes: relays elect a leader with a lease (see
`RelayLeadership`). Delivery is at-least-once: a relay that dies after publishing and before removing
its events lets its lease expire, and the next leader publishes them again; consumers deduplicate with
their inbox.

Two facts about FerretDB v1 shape this module (MongoDB has neither problem, and the code is right on both):
- every update is a read, then a write of the whole document by _id, outside any transaction: two
  concurrent updates of one document can lose one of them, and a version guard is not atomic. So every
  update of an aggregate document in this process goes through `document_lock`, and coordination
  between processes uses only unique inserts, which both servers make atomic;
- only a filter on `_id` alone uses an index; any other filter reads the whole collection. So the relay
  finds fresh work by the ids its writers hint (`wake(collection, id)`), reads them by _id, and finds
  what other processes wrote (the import tool, an instance that does not lead) in a small collection
  of pending-work markers (`outbox_pending`), which a writer adds after its write when no leading relay
  of its own process took the hint. What a crash leaves (a hint never published, a write never marked)
  waits for the full scan of the aggregate collections: at start-up, then every `full_sweep_seconds`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.kit.mongo import Document

OUTBOX = "outbox"
VERSION = "version"
PENDING = {f"{OUTBOX}.0": {"$exists": True}}
MARKERS = "outbox_pending"


def marker_id(collection: AsyncCollection[Document], aggregate_id: str) -> str:
    return f"{collection.name}:{aggregate_id}"


async def mark_pending(collection: AsyncCollection[Document], aggregate_id: str) -> None:
    """Tell whichever relay leads that this aggregate has events to publish (after the write: the relay
    removes the marker before it reads the aggregate, so a marker it removed saw the write)."""
    await collection.database[MARKERS].update_one(
        {"_id": marker_id(collection, aggregate_id)},
        {"$setOnInsert": {"collection": collection.name, "aggregate_id": aggregate_id}},
        upsert=True,
    )


log = logging.getLogger(__name__)

_locks: dict[str, asyncio.Lock] = {}


def document_lock(collection: AsyncCollection[Document]) -> asyncio.Lock:
    """Serializes this process's read-modify-write updates of one collection (see the module's note)."""
    return _locks.setdefault(collection.full_name, asyncio.Lock())


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


# hints this process's relay; True when it leads and will publish the aggregate itself
WakeRelay = Callable[[AsyncCollection[Document], str], bool | None]


class OutboxWriter:
    """Writes state and events together, then hints the relay so that the events leave at once.

    The version guard is the filter `{_id, version}` on MongoDB, an atomic compare-and-set. On FerretDB
    v1 that filter reads the whole collection (only `{_id}` alone uses the index) and is not atomic
    anyway, so with `guard_in_process` the writer reads the version by `_id` and writes by `_id` under
    `document_lock`: the same guarantee FerretDB can give, at the cost of an indexed lookup."""

    def __init__(
        self, wake_relay: WakeRelay = lambda collection, aggregate_id: None, *, guard_in_process: bool = False
    ) -> None:
        self._wake_relay = wake_relay
        self.guard_in_process = guard_in_process

    async def _announce(self, collection: AsyncCollection[Document], aggregate_id: str) -> None:
        if not self._wake_relay(collection, aggregate_id):
            await mark_pending(collection, aggregate_id)

    async def _guarded_filter(
        self, collection: AsyncCollection[Document], aggregate_id: str, expected_version: int
    ) -> Document | None:
        """The filter that writes only over `expected_version`, or None when the aggregate is no longer
        there (call under `document_lock`)."""
        if not self.guard_in_process:
            return {"_id": aggregate_id, VERSION: expected_version}
        current = await collection.find_one({"_id": aggregate_id}, {VERSION: 1})
        if current is None or current.get(VERSION) != expected_version:
            return None
        return {"_id": aggregate_id}

    async def insert(
        self, collection: AsyncCollection[Document], document: Document, events: Sequence[tuple[Envelope, str]]
    ) -> None:
        """A new aggregate at version 1 with its first events. Raises DuplicateKeyError if it exists."""
        stored = {**document, VERSION: document.get(VERSION, 1), OUTBOX: [outbox_entry(e, t) for e, t in events]}
        await collection.insert_one(stored)
        if events:
            await self._announce(collection, stored["_id"])

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
        async with document_lock(collection):
            guard = await self._guarded_filter(collection, aggregate_id, expected_version)
            matched = guard is not None and (await collection.update_one(guard, update)).matched_count > 0
        if not matched:
            raise ConcurrentUpdate(aggregate_id, expected_version)
        if events:
            await self._announce(collection, aggregate_id)
        return expected_version + 1

    async def replace(
        self,
        collection: AsyncCollection[Document],
        aggregate_id: str,
        expected_version: int,
        document: Document,
        events: Sequence[tuple[Envelope, str]],
        keep_pending: Sequence[Document] = (),
    ) -> int:
        """Replace the whole document (erasure), dropping events not yet published, which may hold what
        is being erased, in favour of `events`; `keep_pending` are outbox entries, read with the document,
        known to hold nothing erased (published twice at worst, which consumers' inboxes absorb)."""
        stored = {
            **document,
            "_id": aggregate_id,
            VERSION: expected_version + 1,
            OUTBOX: [*keep_pending, *(outbox_entry(e, t) for e, t in events)],
        }
        async with document_lock(collection):
            guard = await self._guarded_filter(collection, aggregate_id, expected_version)
            matched = guard is not None and (await collection.replace_one(guard, stored)).matched_count > 0
        if not matched:
            raise ConcurrentUpdate(aggregate_id, expected_version)
        if stored[OUTBOX]:
            await self._announce(collection, aggregate_id)
        return expected_version + 1


class EventSender(Protocol):
    """Sends one record and returns an awaitable that resolves once the broker has acknowledged it."""

    async def __call__(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> Awaitable[Any]: ...


class RelayLeadership:
    """Which relay publishes, elected with unique inserts: term N is won by the one relay whose insert
    of document N succeeds once term N-1 has expired. The leader renews its own term's document."""

    def __init__(self, collection: AsyncCollection[Document], owner: str, lease_seconds: float) -> None:
        self.collection = collection
        self.owner = owner
        self.lease = timedelta(seconds=lease_seconds)
        self._term: int | None = None
        self._until = datetime.min.replace(tzinfo=UTC)

    async def holds(self) -> bool:
        now = datetime.now(UTC)
        if self._term is not None and self._until - now > self.lease / 2:
            return True  # renewed recently: no round trip on the hot path
        latest = await self.collection.find_one({}, sort=[("_id", -1)])
        if latest is not None and latest["owner"] == self.owner and latest["_id"] == self._term:
            self._until = now + self.lease
            await self.collection.update_one({"_id": self._term}, {"$set": {"until": self._until}})
            return True
        self._term = None
        if latest is not None and latest["until"] > now:
            return False  # another relay leads
        term = (latest["_id"] + 1) if latest is not None else 1
        try:
            await self.collection.insert_one({"_id": term, "owner": self.owner, "until": now + self.lease})
        except DuplicateKeyError:
            return False  # another relay won this term
        self._term, self._until = term, now + self.lease
        await self.collection.delete_many({"_id": {"$lt": term - 10}})
        log.info("outbox relay %s leads (term %d)", self.owner, term)
        return True


class OutboxRelay:
    """Publishes pending outbox entries of some collections, in order per aggregate."""

    def __init__(
        self,
        collections: Sequence[AsyncCollection[Document]],
        send: EventSender,
        leadership: AsyncCollection[Document],
        *,
        owner: str | None = None,
        lease_seconds: float = 15.0,
        sweep_seconds: float = 1.0,
        full_sweep_seconds: float = 60.0,
        batch_size: int = 500,
        on_published: Callable[[str, int], None] = lambda topic, count: None,
    ) -> None:
        self.collections = {c.full_name: c for c in collections}
        self.send = send
        self.owner = owner or f"relay-{uuid.uuid4()}"
        self.leadership = RelayLeadership(leadership, self.owner, lease_seconds)
        self.sweep_seconds = sweep_seconds
        self.full_sweep_seconds = full_sweep_seconds
        self.by_name = {c.name: c for c in collections}
        self.markers = collections[0].database[MARKERS] if collections else None
        self.batch_size = batch_size
        self.on_published = on_published
        self._hints: dict[str, set[str]] = {name: set() for name in self.collections}
        self._wake = asyncio.Event()
        self._one_round_at_a_time = asyncio.Lock()
        self.leading = False

    def wake(self, collection: AsyncCollection[Document] | None = None, aggregate_id: str | None = None) -> bool:
        """Called after a write: the aggregate's events are published at once, without a sweep. True when
        this relay leads, so the writer need not mark the aggregate for another process's relay."""
        self._wake.set()
        if collection is None or aggregate_id is None or collection.full_name not in self._hints:
            return False
        self._hints[collection.full_name].add(aggregate_id)
        return self.leading

    async def run(self) -> None:
        """Until cancelled: publish hinted aggregates on every wake-up, the marked ones every
        `sweep_seconds`, and scan the collections every `full_sweep_seconds`."""
        failures = 0
        next_sweep = next_full_sweep = 0.0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, next_sweep - time.monotonic()))
            self._wake.clear()
            sweep = time.monotonic() >= next_sweep
            full = time.monotonic() >= next_full_sweep
            try:
                while await self.relay_once(sweep=sweep, full=full) > 0:
                    pass
                if full:
                    next_full_sweep = time.monotonic() + self.full_sweep_seconds
                failures = 0
                if self.leading and any(self._hints.values()):
                    self._wake.set()  # more was hinted than one batch holds
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                delay = min(0.2 * 2**failures, 10.0)
                log.warning("outbox relay failed, retrying in %.1f s: %s", delay, error)
                await asyncio.sleep(delay)
            if sweep:
                next_sweep = time.monotonic() + self.sweep_seconds

    async def relay_once(self, sweep: bool = True, full: bool = True) -> int:
        """If this relay leads, publish and remove one batch per collection: the hinted aggregates, with
        `sweep` the marked ones, and with `full` any aggregate with pending events, found by reading the
        collections. Returns how many events were published."""
        async with self._one_round_at_a_time:
            published = await self._relay_round(sweep and full)
            if self.leading and sweep:
                published += await self._relay_marked()
            return published

    async def _relay_marked(self) -> int:
        """Publish the aggregates that writers marked. Each marker is removed (by `_id`) before its
        aggregate is read: a write marked again after that is found at the next sweep."""
        if self.markers is None:
            return 0
        mine = {"collection": {"$in": list(self.by_name)}}  # a small collection: read whole on FerretDB
        markers = await self.markers.find(mine).limit(self.batch_size).to_list()
        await asyncio.gather(*(self.markers.delete_one({"_id": m["_id"]}) for m in markers))
        published = 0
        for name, collection in self.by_name.items():
            ids = {m["aggregate_id"] for m in markers if m["collection"] == name}
            try:
                published += await self._publish(collection, await self._hinted(collection, ids))
            except Exception:
                await asyncio.gather(*(mark_pending(collection, i) for i in ids))  # for the next try
                raise
        return published

    async def _relay_round(self, sweep: bool) -> int:
        self.leading = bool(self.collections) and await self.leadership.holds()
        if not self.leading:
            for ids in self._hints.values():
                ids.clear()  # the leader's sweep publishes what this process wrote
            return 0
        published = 0
        for name, collection in self.collections.items():
            hinted: set[str] = set()
            while self._hints[name] and len(hinted) < self.batch_size:
                hinted.add(self._hints[name].pop())
            try:
                pending = await self._hinted(collection, hinted)
                if sweep and len(pending) < self.batch_size:
                    seen = {document["_id"] for document in pending}
                    found = await collection.find(PENDING, {OUTBOX: 1}).limit(self.batch_size).to_list()
                    pending += [document for document in found if document["_id"] not in seen]
                published += await self._publish(collection, pending)
            except BaseException:
                self._hints[name] |= hinted  # try them again next time
                raise
        return published

    async def _hinted(self, collection: AsyncCollection[Document], ids: set[str]) -> list[Document]:
        found = await asyncio.gather(*(collection.find_one({"_id": i}, {OUTBOX: 1}) for i in ids))
        return [document for document in found if document and document.get(OUTBOX)]

    async def _publish(self, collection: AsyncCollection[Document], pending: list[Document]) -> int:
        if not pending:
            return 0
        entries = [entry for document in pending for entry in document[OUTBOX]]
        acknowledgements = [
            await self.send(entry["topic"], entry["key"], entry["value"].encode(), entry["headers"])
            for entry in entries
        ]
        await asyncio.gather(*acknowledgements)
        await self._remove(collection, pending)
        for topic in {entry["topic"] for entry in entries}:
            self.on_published(topic, sum(1 for entry in entries if entry["topic"] == topic))
        return len(entries)

    async def _remove(self, collection: AsyncCollection[Document], pending: list[Document]) -> None:
        """One update by _id per aggregate (indexed on FerretDB too), in chunks, so that writers of this
        process wait for one chunk at most."""
        for start in range(0, len(pending), 50):
            async with document_lock(collection):
                await asyncio.gather(
                    *(
                        collection.update_one({"_id": d["_id"]}, {"$pullAll": {OUTBOX: d[OUTBOX]}})
                        for d in pending[start : start + 50]
                    )
                )

    async def pending(self) -> int:
        """How many events wait in the outboxes (for metrics and tests)."""
        total = 0
        for collection in self.collections.values():
            async for document in collection.find(PENDING, {OUTBOX: 1}):
                total += len(document[OUTBOX])
        return total
