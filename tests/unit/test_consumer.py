"""The consumer's decisions with in-memory stand-ins; the real servers prove the rest (integration)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from pymongo.errors import ConnectionFailure

from services.contracts.envelope import Envelope
from services.kit import messaging
from services.kit.messaging import EventConsumer, EventRouter
from services.kit.metrics import Metrics
from services.kit.settings import ServiceSettings
from tests.unit.test_envelope_and_topics import agency_event


class MemoryInbox:
    def __init__(self) -> None:
        self.recorded: list[str] = []

    async def already_processed(self, event_ids: Any) -> set[str]:
        return set(event_ids) & set(self.recorded)

    async def record(self, envelopes: Any) -> None:
        self.recorded.extend(e.event_id for e in envelopes)


class CapturingBroker:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    async def publish(self, value: bytes, topic: str, key: bytes | None, headers: dict[str, str]) -> None:
        self.published.append({"value": value, "topic": topic, "key": key, "headers": headers})


def record(value: bytes, offset: int = 7) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic="profiles.agency",
        partition=2,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"a-1",
        value=value,
        checksum=None,
        serialized_key_size=3,
        serialized_value_size=len(value),
        headers=(),
    )


def consumer(router: EventRouter, max_attempts: int = 3) -> tuple[EventConsumer, MemoryInbox, CapturingBroker]:
    inbox, broker = MemoryInbox(), CapturingBroker()
    settings = ServiceSettings(
        service_name="unit", consumer_max_attempts=max_attempts, consumer_retry_backoff_seconds=0
    )
    return EventConsumer(broker, router, inbox, settings, Metrics("unit")), inbox, broker  # type: ignore[arg-type]


async def test_a_malformed_record_is_dead_lettered_with_its_origin_and_the_next_one_applied() -> None:
    applied: list[str] = []

    async def handler(envelope: Envelope, payload: object) -> None:
        applied.append(envelope.event_id)

    good = agency_event()
    subject, inbox, broker = consumer(EventRouter().on("profiles.agency.registered", handler))
    await subject.process_batch([record(b"\x00garbage"), record(good.to_bytes(), offset=8)])
    assert applied == [good.event_id] and inbox.recorded == [good.event_id]
    [dead] = broker.published
    assert dead["topic"] == "profiles.agency.dlq" and dead["value"] == b"\x00garbage" and dead["key"] == b"a-1"
    assert dead["headers"][messaging.DLQ_ERROR].startswith("malformed envelope")
    assert dead["headers"][messaging.DLQ_PARTITION] == "2" and dead["headers"][messaging.DLQ_OFFSET] == "7"
    assert dead["headers"][messaging.DLQ_GROUP] == "parcours.unit"


async def test_an_event_seen_before_is_not_applied_again_even_twice_in_one_batch() -> None:
    calls: list[str] = []

    async def handler(envelope: Envelope, payload: object) -> None:
        calls.append(envelope.event_id)

    event = agency_event()
    subject, _, _ = consumer(EventRouter().on("profiles.agency.registered", handler))
    await subject.process_batch([record(event.to_bytes()), record(event.to_bytes(), offset=8)])
    await subject.process_batch([record(event.to_bytes(), offset=9)])
    assert calls == [event.event_id]


@pytest.mark.parametrize("attempts", [1, 3])
async def test_a_failing_handler_is_tried_the_set_number_of_times_then_dead_lettered(attempts: int) -> None:
    tries: list[int] = []

    async def handler(envelope: Envelope, payload: object) -> None:
        tries.append(1)
        raise ValueError("cannot apply")

    subject, inbox, broker = consumer(EventRouter().on("profiles.agency.registered", handler), attempts)
    await subject.process_batch([record(agency_event().to_bytes())])
    assert len(tries) == attempts and inbox.recorded == []
    assert broker.published[0]["headers"][messaging.DLQ_ERROR] == "ValueError: cannot apply"
    assert broker.published[0]["headers"][messaging.DLQ_ATTEMPTS] == str(attempts)


async def test_events_nobody_listens_to_are_passed_over_quietly() -> None:
    subject, _, broker = consumer(EventRouter())
    await subject.process_batch([record(agency_event(event_type="profiles.agency.renamed").to_bytes())])
    assert broker.published == []


def test_a_router_only_accepts_event_types_of_the_contracts() -> None:
    async def handler(envelope: Envelope, payload: object) -> None:
        return None

    with pytest.raises(ValueError, match="not in the contracts registry"):
        EventRouter().on("profiles.agency.teleported", handler)
    assert EventRouter().on("profiles.agency.renamed", handler).topics() == ["profiles.agency"]


async def test_an_unreachable_database_is_not_the_events_fault_the_batch_is_rewound_not_dead_lettered() -> None:
    from pymongo.errors import AutoReconnect

    async def handler(envelope: Envelope, payload: object) -> None:
        raise AutoReconnect("FerretDB restarting")

    subject, inbox, broker = consumer(EventRouter().on("profiles.agency.registered", handler))
    with pytest.raises(AutoReconnect):
        await subject.process_batch([record(agency_event().to_bytes())])
    assert broker.published == [] and inbox.recorded == []


def keyed(envelope: Envelope, key: str, offset: int) -> ConsumerRecord[bytes, bytes]:
    value = envelope.to_bytes()
    return ConsumerRecord(
        topic="profiles.agency",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key.encode(),
        value=value,
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=len(value),
        headers=(),
    )


def parallel_consumer(router: EventRouter) -> tuple[EventConsumer, MemoryInbox]:
    settings = ServiceSettings(service_name="unit", consumer_retry_backoff_seconds=0, consumer_parallel_keys=4)
    inbox = MemoryInbox()
    return EventConsumer(CapturingBroker(), router, inbox, settings, Metrics("unit")), inbox  # type: ignore[arg-type]


def agency(name: str, aggregate_id: str) -> Envelope:
    payload = {"agency_id": aggregate_id, "name": name, "kind": "cio", "region_code": "52"}
    return agency_event(aggregate_id=aggregate_id, tenant_id=aggregate_id, payload=payload)


async def test_with_parallel_keys_another_aggregate_goes_on_while_one_waits_and_each_keeps_its_order() -> None:
    seen: list[str] = []
    first_of_a_may_end = asyncio.Event()

    async def handler(envelope: Envelope, payload: object) -> None:
        name = envelope.payload["name"]
        if name == "a1":
            await asyncio.wait_for(first_of_a_may_end.wait(), timeout=5)  # b's must go on meanwhile
        seen.append(name)
        if name == "b2":
            first_of_a_may_end.set()

    subject, inbox = parallel_consumer(EventRouter().on("profiles.agency.registered", handler))
    batch = [agency("a1", "a"), agency("b1", "b"), agency("a2", "a"), agency("b2", "b")]
    await subject.process_batch([keyed(e, e.aggregate_id, n) for n, e in enumerate(batch)])
    assert seen == ["b1", "b2", "a1", "a2"]
    assert sorted(inbox.recorded) == sorted(e.event_id for e in batch)


async def test_early_types_come_before_their_batch_and_late_ones_after_it_whatever_their_place() -> None:
    seen: list[str] = []

    async def handler(envelope: Envelope, payload: object) -> None:
        seen.append(envelope.event_type.rsplit(".", 1)[1] + ":" + str(envelope.payload.get("name", "")))

    router = (
        EventRouter()
        .on("profiles.agency.registered", handler)
        .on("profiles.staff.deactivated", handler, early=True)
        .on("profiles.person.erased", handler, late=True)
    )
    subject, _ = parallel_consumer(router)
    erased = agency_event(
        event_type="profiles.person.erased",
        aggregate_type="person",
        payload={"person_id": "p", "person_kind": "beneficiary", "agency_id": "a"},
    )
    closed = agency_event(
        event_type="profiles.staff.deactivated",
        aggregate_type="staff",
        payload={"staff_id": "s", "agency_id": "a"},
    )
    batch = [erased, agency("x", "x"), closed, agency("y", "y")]
    await subject.process_batch([keyed(e, f"k{n}", n) for n, e in enumerate(batch)])
    assert seen[0] == "deactivated:" and seen[-1] == "erased:" and sorted(seen[1:3]) == ["registered:x", "registered:y"]


async def test_a_key_failing_is_raised_once_the_others_are_done_and_theirs_are_recorded() -> None:
    async def handler(envelope: Envelope, payload: object) -> None:
        if envelope.payload["name"] == "bad":
            raise ConnectionFailure("database gone")

    subject, inbox = parallel_consumer(EventRouter().on("profiles.agency.registered", handler))
    good, bad = agency("good", "g"), agency("bad", "b")
    with pytest.raises(ConnectionFailure):
        await subject.process_batch([keyed(bad, "b", 0), keyed(good, "g", 1)])
    assert inbox.recorded == [good.event_id]
