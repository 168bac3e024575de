"""The transactional outbox: events stored in the aggregate's own document, in the same single-document
write as the state change, then published by a relay.

Every write of an aggregate is an atomic compare-and-set on its version (the filter `{_id, version}`):
the engine has no multi-document transactions, and needs none, since a state change and its events are
one document. A write that adds events also sets `outbox_since`; an index on it is how the relay finds
pending work, whichever process wrote it, in one small query per collection. Its writers wake the relay
of their own process so that events leave at once; the relay also looks every `sweep_seconds` for what
other processes (a second instance, the import tool) or a crash left.

One relay at a time publishes a service's outboxes: the one holding the `outbox-relay` lease (see
`services.kit.lease`). Delivery is at-least-once: a relay that dies after publishing and before removing
its events lets its lease expire, and the next leader publishes them again; consumers deduplicate with
their inbox.

A record Kafka refuses for good (larger than the broker accepts, say) would stall every event behind it,
since the relay retries what fails: the sender raises `RecordRefused` for it, and the relay sets it
aside in the `outbox_refused` collection with the reason (and a metric and an ERROR log naming the event,
never its content) and publishes the others. Any other error is transient: the round is tried again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.kit.lease import Lease
from services.kit.mongo import Document

OUTBOX = "outbox"
VERSION = "version"
SINCE = "outbox_since"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PENDING = {SINCE: {"$gt": EPOCH}}  # a range on the indexed field: documents without it are not read
PENDING_INDEX = IndexModel([(SINCE, ASCENDING)], name="outbox_pending")
REFUSED = "outbox_refused"  # the entries Kafka refused for good, with the reason, for an operator to look at

log = logging.getLogger(__name__)


class ConcurrentUpdate(Exception):
    """The aggregate changed since it was read: reload and decide again."""

    def __init__(self, aggregate_id: str, expected_version: int) -> None:
        super().__init__(f"{aggregate_id} is no longer at version {expected_version}")
        self.aggregate_id = aggregate_id
        self.expected_version = expected_version


class TakenByAnother(Exception):
    """A unique index refused the write: what it claims (an id, a numbered place, a one-per-person rule) is
    already held by another document."""

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(f"{aggregate_id}: a unique rule of the store refused it")
        self.aggregate_id = aggregate_id


def outbox_entry(envelope: Envelope, topic: str) -> Document:
    """What is stored per pending event. The relay removes published entries by exact equality ($pullAll)."""
    return {
        "event_id": envelope.event_id,
        "topic": topic,
        "key": envelope.aggregate_id,
        "value": envelope.model_dump_json(),
        "headers": envelope.headers(),
    }


WakeRelay = Callable[[], None]


class OutboxWriter:
    """Writes state and events together (a compare-and-set on the version), then wakes the relay."""

    def __init__(self, wake_relay: WakeRelay = lambda: None) -> None:
        self._wake_relay = wake_relay

    async def insert(
        self, collection: AsyncCollection[Document], document: Document, events: Sequence[tuple[Envelope, str]]
    ) -> None:
        """A new aggregate at version 1 with its first events. Raises TakenByAnother if it exists."""
        stored = {**document, VERSION: document.get(VERSION, 1), OUTBOX: [outbox_entry(e, t) for e, t in events]}
        if events:
            stored[SINCE] = datetime.now(UTC)
        try:
            await collection.insert_one(stored)
        except DuplicateKeyError as error:
            raise TakenByAnother(str(document.get("_id", ""))) from error
        if events:
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
            update["$min"] = {SINCE: datetime.now(UTC)}
        try:
            result = await collection.update_one({"_id": aggregate_id, VERSION: expected_version}, update)
        except DuplicateKeyError as error:
            raise TakenByAnother(aggregate_id) from error
        if result.matched_count == 0:
            raise ConcurrentUpdate(aggregate_id, expected_version)
        if events:
            self._wake_relay()
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
        stored.pop(SINCE, None)
        if stored[OUTBOX]:
            stored[SINCE] = datetime.now(UTC)
        try:
            result = await collection.replace_one({"_id": aggregate_id, VERSION: expected_version}, stored)
        except DuplicateKeyError as error:
            raise TakenByAnother(aggregate_id) from error
        if result.matched_count == 0:
            raise ConcurrentUpdate(aggregate_id, expected_version)
        if stored[OUTBOX]:
            self._wake_relay()
        return expected_version + 1


class RecordRefused(Exception):
    """Kafka refuses this record and always will (too large, a bad topic): sending it again is useless."""


class EventSender(Protocol):
    """Sends one record and returns an awaitable that resolves once the broker has acknowledged it. Either
    raises RecordRefused for a record Kafka will never take."""

    async def __call__(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> Awaitable[Any]: ...


class OutboxRelay:
    """Publishes pending outbox entries of some collections, in order per aggregate."""

    LEASE = "outbox-relay"

    def __init__(
        self,
        collections: Sequence[AsyncCollection[Document]],
        send: EventSender,
        leases: AsyncCollection[Document],
        *,
        owner: str | None = None,
        lease_seconds: float = 15.0,
        sweep_seconds: float = 0.5,
        batch_size: int = 500,
        on_published: Callable[[str, int], None] = lambda topic, count: None,
        on_set_aside: Callable[[str], None] = lambda topic: None,
    ) -> None:
        self.collections = list(collections)
        self.send = send
        self.owner = owner or f"relay-{uuid.uuid4()}"
        self.lease = Lease(leases, self.LEASE, self.owner, lease_seconds)
        self.sweep_seconds = sweep_seconds
        self.batch_size = batch_size
        self.on_published = on_published
        self.on_set_aside = on_set_aside
        self.refused = leases.database[REFUSED]
        self._wake = asyncio.Event()
        self._one_round_at_a_time = asyncio.Lock()
        self.leading = False

    def wake(self) -> None:
        """Called after a write with events: they are published at once rather than at the next sweep."""
        self._wake.set()

    async def run(self) -> None:
        """Until cancelled: publish what is pending on every wake-up and at least every `sweep_seconds`."""
        failures = 0
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.sweep_seconds)
                self._wake.clear()
                try:
                    while await self.relay_once() > 0:
                        pass
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    failures += 1
                    delay = min(0.2 * 2**failures, 10.0)
                    log.warning("outbox relay failed, retrying in %.1f s: %s", delay, error)
                    await asyncio.sleep(delay)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.lease.release())

    async def relay_once(self) -> int:
        """If this relay leads, publish and remove one batch per collection, found by the pending index
        (the collections asked at once). Returns how many events were published."""
        async with self._one_round_at_a_time:
            self.leading = bool(self.collections) and await self.lease.holds()
            if not self.leading:
                return 0
            found = await asyncio.gather(*(self._pending(collection) for collection in self.collections))
            published = 0
            for collection, pending in zip(self.collections, found, strict=True):
                published += await self._publish(collection, pending)
            return published

    async def _pending(self, collection: AsyncCollection[Document]) -> list[Document]:
        found = collection.find(PENDING, {OUTBOX: 1, VERSION: 1}).sort(SINCE, ASCENDING)
        return await found.limit(self.batch_size).to_list()

    async def _publish(self, collection: AsyncCollection[Document], pending: list[Document]) -> int:
        """Publishes every entry of `pending`, sets aside those Kafka refuses for good, then empties the
        outboxes; a transient error raises before anything is removed. Returns how many were published."""
        refused: list[tuple[str, Document, RecordRefused]] = []
        sent: list[tuple[str, Document, Awaitable[Any]]] = []
        for document in pending:
            for entry in document.get(OUTBOX) or ():
                try:
                    value = entry["value"].encode()
                    sent.append(
                        (document["_id"], entry, await self.send(entry["topic"], entry["key"], value, entry["headers"]))
                    )
                except RecordRefused as error:
                    refused.append((document["_id"], entry, error))
        outcomes = await asyncio.gather(*(acknowledgement for _, _, acknowledgement in sent), return_exceptions=True)
        published: list[Document] = []
        for (aggregate_id, entry, _), outcome in zip(sent, outcomes, strict=True):
            if isinstance(outcome, RecordRefused):
                refused.append((aggregate_id, entry, outcome))
            elif isinstance(outcome, BaseException):
                raise outcome  # transient: the whole round is tried again (consumers absorb repeats)
            else:
                published.append(entry)
        if refused:
            await self._set_aside(collection.name, refused)
        if pending:
            await self._remove(collection, pending)
        for topic in {entry["topic"] for entry in published}:
            self.on_published(topic, sum(1 for entry in published if entry["topic"] == topic))
        return len(published)

    async def _set_aside(self, collection: str, refused: list[tuple[str, Document, RecordRefused]]) -> None:
        """Kept with the reason (the same entry set aside twice is one document), before it leaves the outbox."""
        now = datetime.now(UTC)
        for aggregate_id, entry, error in refused:
            await self.refused.replace_one(
                {"_id": entry["event_id"]},
                {**entry, "collection": collection, "aggregate_id": aggregate_id, "reason": str(error), "at": now},
                upsert=True,
            )
            self.on_set_aside(entry["topic"])
            log.error(
                "Kafka refuses event %s (%s) for %s for good: set aside in %s: %s",
                entry["event_id"],
                entry["headers"].get("ce_type", "?"),
                entry["topic"],
                REFUSED,
                error,
                extra={"fields": {"event_id": entry["event_id"], "topic": entry["topic"]}},
            )

    @staticmethod
    async def _remove(collection: AsyncCollection[Document], pending: list[Document]) -> None:
        """One bulk write, one update per aggregate: still at the version read, its outbox holds just what
        was published (every write that appends events bumps the version), so it is emptied and unmarked.
        If any aggregate moved on meanwhile, a second bulk write pulls exactly what was published from
        each and unmarks those left empty (a writer that appended keeps its mark)."""
        clear = {"$set": {OUTBOX: []}, "$unset": {SINCE: ""}}
        unchanged = [UpdateOne({"_id": d["_id"], VERSION: d[VERSION]}, clear) for d in pending if VERSION in d]
        if unchanged and (await collection.bulk_write(unchanged, ordered=False)).matched_count == len(pending):
            return
        operations: list[UpdateOne] = []
        for document in pending:
            if document.get(OUTBOX):
                operations.append(UpdateOne({"_id": document["_id"]}, {"$pullAll": {OUTBOX: document[OUTBOX]}}))
            operations.append(UpdateOne({"_id": document["_id"], OUTBOX: {"$size": 0}}, {"$unset": {SINCE: ""}}))
        await collection.bulk_write(operations, ordered=True)

    async def pending(self) -> int:
        """How many events wait in the outboxes (for metrics and tests), read through the pending index."""
        total = 0
        for collection in self.collections:
            async for document in collection.find(PENDING, {OUTBOX: 1}):
                total += len(document.get(OUTBOX) or ())
        return total
