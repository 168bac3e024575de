"""The consumer's decisions with in-memory stand-ins; the real servers prove the rest (integration)."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import ConsumerRecord

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
