"""The outbox relay on real Kafka and the real database."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from kafka.admin import KafkaAdminClient, NewTopic
from pymongo.asynchronous.collection import AsyncCollection

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyKind
from services.kit.agency_directory import AgencyDirectory
from services.kit.dead_letters import read_topic
from services.kit.lease import LEASES
from services.kit.messaging import EventRouter, build_broker, sender_for
from services.kit.mongo import Document, connect, create_indexes
from services.kit.outbox import (
    OUTBOX,
    PENDING_INDEX,
    REFUSED,
    SINCE,
    ConcurrentUpdate,
    EventSender,
    OutboxRelay,
    OutboxWriter,
    outbox_entry,
)
from services.kit.runtime import ServiceRuntime
from services.profiles.adapters.agencies import COLLECTION, Agencies
from services.profiles.domain import agency as agencies
from tests.conftest import Servers
from tests.integration.support import running, settings_for, wait_until

pytestmark = pytest.mark.integration
TOPIC = "profiles.agency"


@dataclass
class Producer:
    repository: Agencies
    collection: AsyncCollection[Document]
    leadership: AsyncCollection[Document]
    send: EventSender
    bootstrap: str

    def relay(self, relay_class: type[OutboxRelay] = OutboxRelay, **options: Any) -> OutboxRelay:
        return relay_class([self.collection], self.send, self.leadership, **options)


@pytest.fixture
async def producer(servers: Servers) -> AsyncIterator[Producer]:
    settings = settings_for(servers, "producer")
    client, db = connect(settings)
    await create_indexes(db, {COLLECTION: [PENDING_INDEX]})
    broker = build_broker(settings)
    await broker.start()
    try:
        yield Producer(
            Agencies(db, OutboxWriter()),
            db[COLLECTION],
            db[LEASES],
            sender_for(broker),
            servers.kafka_bootstrap_servers,
        )
    finally:
        await broker.stop()
        await client.drop_database(settings.database_name)
        await client.close()


class Recorder:
    """A consumer's handler that notes each application, in the order they happen."""

    def __init__(self) -> None:
        self.applied: list[Envelope] = []

    async def __call__(self, envelope: Envelope, payload: object) -> None:
        self.applied.append(envelope)

    def of(self, aggregate_ids: set[str]) -> list[Envelope]:
        return [e for e in self.applied if e.aggregate_id in aggregate_ids]


def consumer(servers: Servers, recorder: Recorder, **overrides: object) -> tuple[ServiceRuntime, AgencyDirectory]:
    router = EventRouter()
    runtime = ServiceRuntime(settings_for(servers, "consumer", **overrides), router=router)
    directory = AgencyDirectory(runtime.db)
    directory.subscribe(router)
    router.on("profiles.agency.registered", recorder).on("profiles.agency.renamed", recorder)
    return runtime, directory


async def register(producer: Producer, name: str) -> agencies.Agency:
    agency, event = agencies.register(name, AgencyKind.MISSION_LOCALE, "52")
    await producer.repository.add(agency, event)
    return agency


class RelayKilled(Exception):
    pass


class KilledAfterPublishing(OutboxRelay):
    """Dies at the worst moment: its events are on Kafka, not yet removed from the outbox."""

    async def _remove(self, collection: object, pending: list[Document]) -> None:
        raise RelayKilled


async def test_relay_killed_between_publishing_and_removing_redelivers_once_and_consumer_applies_once(
    servers: Servers, producer: Producer
) -> None:
    agency = await register(producer, f"Agence {uuid.uuid4()}")
    dying = producer.relay(KilledAfterPublishing, lease_seconds=0.5)
    with pytest.raises(RelayKilled):
        await dying.relay_once()

    survivor = producer.relay(lease_seconds=5)
    assert await survivor.relay_once() == 0, "the dead relay's lease still holds: nobody publishes meanwhile"
    await asyncio.sleep(0.6)
    assert await survivor.relay_once() == 1, "once the lease expired, the next leader publishes it again"
    assert await survivor.pending() == 0

    on_kafka = await read_topic(producer.bootstrap, TOPIC, lambda r: r.key == agency.agency_id.encode())
    copies = [Envelope.from_bytes(r.value) for r in on_kafka]
    assert len(copies) == 2 and copies[0].event_id == copies[1].event_id, "at-least-once: exactly one redelivery"

    recorder = Recorder()
    runtime, directory = consumer(servers, recorder)
    async with running(runtime):
        renamed, event = agencies.rename(agency, "Agence renommée")
        await producer.repository.save(renamed, [event])
        assert await survivor.relay_once() == 1

        async def sentinel_seen() -> bool:  # same key, same partition: both copies came before it
            return any(e.event_id == event.event_id for e in recorder.applied)

        await wait_until(sentinel_seen, what="the rename after the duplicate")
        stored = await directory.collection.find_one({"_id": agency.agency_id})
    applications = Counter(e.event_id for e in recorder.of({agency.agency_id}))
    assert applications[copies[0].event_id] == 1, "the redelivered event is applied once"
    assert stored is not None and stored["name"] == "Agence renommée" and stored["version"] == 2


async def test_two_relays_at_once_never_publish_the_same_entry(servers: Servers, producer: Producer) -> None:
    ids = {(await register(producer, f"Agence {i}")).agency_id for i in range(300)}
    first = producer.relay(batch_size=40)
    second = producer.relay(batch_size=40)

    async def drain(relay: OutboxRelay) -> int:
        total = 0
        while published := await relay.relay_once():
            total += published
        return total

    totals = await asyncio.gather(drain(first), drain(second), drain(first), drain(second))
    assert sum(totals) == 300
    on_kafka = await read_topic(producer.bootstrap, TOPIC, lambda r: (r.key or b"").decode() in ids)
    event_ids = [Envelope.from_bytes(r.value).event_id for r in on_kafka]
    assert len(event_ids) == 300, f"each entry published once, got {len(event_ids)} records"
    assert len(set(event_ids)) == 300


async def test_thousand_events_arrive_in_order_per_aggregate_across_partitions(servers: Servers) -> None:
    producer_runtime = ServiceRuntime(settings_for(servers, "profiles"), aggregate_collections=[COLLECTION])
    repository = Agencies(producer_runtime.db, producer_runtime.outbox)
    recorder = Recorder()
    consumer_runtime, _ = consumer(servers, recorder)
    async with running(producer_runtime), running(consumer_runtime):
        current = []
        for i in range(20):
            agency, event = agencies.register(f"Agence ordre {i}", AgencyKind.CIO, "52")
            await repository.add(agency, event)
            current.append(agency)
        for step in range(2, 51):
            for i, agency in enumerate(current):
                renamed, event = agencies.rename(agency, f"Agence ordre {i} v{step}")
                await repository.save(renamed, [event])
                current[i] = renamed
        ids = {a.agency_id for a in current}

        async def all_arrived() -> bool:
            return len(recorder.of(ids)) >= 1000

        await wait_until(all_arrived, timeout=120, what="1,000 events")
    arrivals: dict[str, list[int]] = {}
    for envelope in recorder.of(ids):
        arrivals.setdefault(envelope.aggregate_id, []).append(envelope.aggregate_version)
    assert len(recorder.of(ids)) == 1000
    for agency_id, versions in arrivals.items():
        assert versions == list(range(1, 51)), f"{agency_id} arrived out of order: {versions}"
    records = await read_topic(servers.kafka_bootstrap_servers, TOPIC, lambda r: (r.key or b"").decode() in ids)
    assert len({r.partition for r in records}) > 1, "the keys spread over several partitions"


async def test_a_write_over_a_stale_version_is_refused_and_changes_nothing(servers: Servers) -> None:
    settings = settings_for(servers, "versions")
    client, db = connect(settings)
    writer = OutboxWriter()
    collection = db["aggregates"]
    try:
        await writer.insert(collection, {"_id": "a1", "name": "first"}, [])
        assert await writer.update(collection, "a1", 1, {"name": "second"}, []) == 2
        with pytest.raises(ConcurrentUpdate):
            await writer.update(collection, "a1", 1, {"name": "stale"}, [])
        with pytest.raises(ConcurrentUpdate):
            await writer.replace(collection, "a1", 1, {"name": "stale"}, [])
        with pytest.raises(ConcurrentUpdate):
            await writer.update(collection, "missing", 1, {"name": "nobody"}, [])
        stored = await collection.find_one({"_id": "a1"})
        assert stored is not None and (stored["name"], stored["version"]) == ("second", 2)
        assert await writer.replace(collection, "a1", 2, {"name": "erased"}, []) == 3
        assert await collection.count_documents({}) == 1
    finally:
        await client.drop_database(settings.database_name)
        await client.close()


async def test_writers_on_separate_connections_racing_on_one_aggregate_lose_no_update(servers: Servers) -> None:
    """Each writer reads, decides and writes over the version it read, retrying when it lost: as two
    instances of a service do. Every increment must be there at the end."""
    settings = settings_for(servers, "race")
    connections = [connect(settings) for _ in range(4)]
    collection_name = "counters"
    await OutboxWriter().insert(connections[0][1][collection_name], {"_id": "c", "count": 0}, [])

    async def increment(database: Any) -> int:
        writer, collection, conflicts = OutboxWriter(), database[collection_name], 0
        while True:
            current = await collection.find_one({"_id": "c"})
            try:
                await writer.update(collection, "c", current["version"], {"count": current["count"] + 1}, [])
                return conflicts
            except ConcurrentUpdate:
                conflicts += 1

    try:
        conflicts = await asyncio.gather(*(increment(db) for _ in range(25) for _, db in connections))
        stored = await connections[0][1][collection_name].find_one({"_id": "c"})
        assert stored is not None and stored["count"] == 100 and stored["version"] == 101
        assert sum(conflicts) > 0, "the writers did race"
    finally:
        await connections[0][0].drop_database(settings.database_name)
        for client, _ in connections:
            await client.close()


async def test_a_write_from_another_process_is_found_by_the_pending_index(producer: Producer) -> None:
    """A writer with no relay beside it (the import tool, another instance) wakes nobody: the leader's
    sweep finds its aggregate by the pending index, publishes it once, and the aggregate leaves the index."""
    relay = producer.relay()
    written = [await register(producer, f"Agence {uuid.uuid4()}") for _ in range(3)]
    assert await producer.collection.count_documents({"outbox_since": {"$exists": True}}) == 3
    assert await relay.relay_once() == 3
    assert await relay.relay_once() == 0
    assert await producer.collection.count_documents({"outbox_since": {"$exists": True}}) == 0
    keys = {agency.agency_id.encode() for agency in written}
    on_kafka = await read_topic(producer.bootstrap, TOPIC, lambda r: r.key in keys)
    assert len(on_kafka) == 3, "each event once"


class WriterInTheMiddle(OutboxRelay):
    """Another writer appends an event between the relay's read and its removal of what it published."""

    write: Any = None

    async def _remove(self, collection: Any, pending: list[Document]) -> None:
        if self.write is not None:
            await self.write()
            self.write = None
        await super()._remove(collection, pending)


async def test_an_event_appended_while_the_relay_publishes_stays_pending_and_leaves_next(producer: Producer) -> None:
    agency = await register(producer, f"Agence {uuid.uuid4()}")
    relay = producer.relay(WriterInTheMiddle)

    async def rename() -> None:
        renamed, event = agencies.rename(agency, "Agence renommée")
        await producer.repository.save(renamed, [event])

    relay.write = rename
    assert await relay.relay_once() == 1
    assert await relay.pending() == 1, "the rename is still pending, not cleared with the registration"
    assert await relay.relay_once() == 1
    assert await relay.pending() == 0
    on_kafka = await read_topic(producer.bootstrap, TOPIC, lambda r: r.key == agency.agency_id.encode())
    assert [Envelope.from_bytes(r.value).event_type for r in on_kafka] == [
        "profiles.agency.registered",
        "profiles.agency.renamed",
    ]


async def test_two_relays_one_publishes_at_a_time(producer: Producer) -> None:
    first, second = producer.relay(lease_seconds=30), producer.relay(lease_seconds=30)
    await register(producer, f"Agence {uuid.uuid4()}")
    assert await first.relay_once() == 1
    await register(producer, f"Agence {uuid.uuid4()}")
    assert await second.relay_once() == 0, "the second relay does not lead while the first holds the lease"
    assert await first.relay_once() == 1
    await first.lease.release()  # a clean stop hands over at once
    await register(producer, f"Agence {uuid.uuid4()}")
    assert await second.relay_once() == 1


def raw_entry(topic: str, value: str) -> Document:
    envelope = Envelope(
        event_type="profiles.agency.renamed",
        aggregate_type="agency",
        aggregate_id=str(uuid.uuid4()),
        aggregate_version=1,
        producer="test",
        payload={"name": "Jeanne Introuvable"},
    )
    return {**outbox_entry(envelope, topic), "value": value}


async def test_a_record_kafka_always_refuses_is_set_aside_with_its_reason_and_the_others_go_on(
    producer: Producer, caplog: pytest.LogCaptureFixture
) -> None:
    """One entry larger than the producer may send, one larger than its topic accepts (the broker's
    answer): both are set aside with the reason, the events around them are published."""
    small = f"test.small-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=producer.bootstrap)
    try:
        admin.create_topics([NewTopic(small, 1, 1, topic_configs={"max.message.bytes": "2000"})])
    finally:
        admin.close()
    before = await register(producer, f"Agence {uuid.uuid4()}")
    too_large = raw_entry(TOPIC, "Jeanne Introuvable " + "x" * 1_500_000)
    too_large_for_its_topic = raw_entry(small, "Jeanne Introuvable " + "y" * 5_000)
    for entry in (too_large, too_large_for_its_topic):
        document = {"_id": str(uuid.uuid4()), "version": 1, OUTBOX: [entry], SINCE: datetime.now(UTC)}
        await producer.collection.insert_one(document)
    after = await register(producer, f"Agence {uuid.uuid4()}")
    set_aside: list[str] = []
    relay = producer.relay(on_set_aside=set_aside.append)

    failing_once = [KafkaConnectionError("the broker is away")]

    async def transient(topic: str, key: str, value: bytes, headers: dict[str, str]) -> Any:
        if failing_once:
            raise failing_once.pop()
        return await producer.send(topic, key, value, headers)

    relay.send = transient
    with pytest.raises(KafkaConnectionError):
        await relay.relay_once()
    assert await relay.pending() == 4, "a transient error keeps everything for the next round"

    with caplog.at_level(logging.ERROR, logger="services.kit.outbox"):
        published = 0
        while await relay.pending():
            published += await relay.relay_once()
    assert published >= 2
    on_kafka = await read_topic(
        producer.bootstrap, TOPIC, lambda r: r.key in {a.agency_id.encode() for a in (before, after)}
    )
    assert {r.key for r in on_kafka} == {before.agency_id.encode(), after.agency_id.encode()}
    kept = {d["_id"]: d async for d in producer.collection.database[REFUSED].find()}
    assert set(kept) == {too_large["event_id"], too_large_for_its_topic["event_id"]}
    for entry in (too_large, too_large_for_its_topic):
        assert "MessageSizeTooLarge" in kept[entry["event_id"]]["reason"]
        assert kept[entry["event_id"]]["value"] == entry["value"] and kept[entry["event_id"]]["topic"] == entry["topic"]
    assert sorted(set_aside) == sorted([TOPIC, small])
    refusals = [r for r in caplog.records if r.levelno == logging.ERROR and "set aside" in r.getMessage()]
    assert len(refusals) == 2 and not any("Jeanne" in r.getMessage() for r in refusals)
