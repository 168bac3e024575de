"""FastStream broker wiring: an idempotent producer for the relay, and consumers that acknowledge after
processing, retry a bounded number of times, and send what keeps failing to the dead-letter topic."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import (
    CorruptRecordException,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    InvalidTimestampError,
    InvalidTopicError,
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    RecordListTooLargeError,
    RecordTooLargeError,
    UnknownProducerId,
)
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from pydantic import ValidationError
from pymongo.errors import ConnectionFailure

from services.contracts.envelope import Envelope
from services.contracts.events.registry import REGISTRY, UnknownEventType, parse_payload
from services.contracts.topics import dead_letter_topic
from services.kit import context
from services.kit.inbox import Inbox
from services.kit.internal_api import OwnerUnreachable
from services.kit.metrics import Metrics
from services.kit.outbox import EventSender, RecordRefused
from services.kit.settings import ServiceSettings

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, Any], Awaitable[None]]

JSON = "application/json"  # the content-type of every event record
DLQ_ERROR = "x-dlq-error"
DLQ_TOPIC = "x-dlq-original-topic"
DLQ_PARTITION = "x-dlq-original-partition"
DLQ_OFFSET = "x-dlq-original-offset"
DLQ_GROUP = "x-dlq-consumer-group"
DLQ_FAILED_AT = "x-dlq-failed-at"
DLQ_ATTEMPTS = "x-dlq-attempts"


def build_broker(settings: ServiceSettings) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"parcours-{settings.service_name}",
        acks="all",
        enable_idempotence=True,
        linger_ms=1,
        request_timeout_ms=15_000,
        logger=logging.getLogger(f"faststream.{settings.service_name}"),
        log_level=logging.DEBUG,
    )


# What Kafka answers about the record itself, whatever the moment: sending it again can never succeed.
REFUSED_RECORD_ERRORS: tuple[type[Exception], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    CorruptRecordException,
    InvalidTopicError,
    InvalidTimestampError,
)

# An idempotent producer that got one of these can never publish again: the broker refuses its every retry.
FATAL_FOR_THE_PRODUCER: tuple[type[BaseException], ...] = (
    OutOfOrderSequenceNumber,
    UnknownProducerId,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    ProducerFenced,
)


class RelaySender:
    """The relay's send: queue one record, return the future of its acknowledgement. A record Kafka refuses
    for good (too large, a bad topic name), before sending or in its answer, raises RecordRefused; any other
    error is transient and propagates as it is.

    After a broker restart, an idempotent producer whose batches failed during the restart may hold
    sequence numbers the broker no longer expects: every retry then fails with OutOfOrderSequenceNumber
    and the relay stalls until the service restarts. So the first send after such an error replaces the
    producer (a new producer id, sequences from zero); what the old one may have published already is
    sent again and skipped by the consumers' inbox."""

    def __init__(self, broker: KafkaBroker) -> None:
        self.broker = broker
        self.broken = False

    async def __call__(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> Awaitable[Any]:
        if self.broken:
            await self.renew()
        # FastStream writes an empty content-type for bytes; ours says what the value is (CloudEvents'
        # binary mode: the envelope, JSON), and is set here so that outboxes written earlier carry it too
        try:
            future: Awaitable[Any] = await self.broker.publish(
                value, topic=topic, key=key.encode(), headers={**headers, "content-type": JSON}, no_confirm=True
            )
        except REFUSED_RECORD_ERRORS as error:
            raise RecordRefused(f"{type(error).__name__}: {error}") from error
        return self._acknowledged(future)

    async def _acknowledged(self, future: Awaitable[Any]) -> Any:
        try:
            return await future
        except FATAL_FOR_THE_PRODUCER:
            self.broken = True
            raise
        except REFUSED_RECORD_ERRORS as error:
            raise RecordRefused(f"{type(error).__name__}: {error}") from error

    async def renew(self) -> None:
        producer: Any = self.broker.config.producer  # FastStream's wrapper around the aiokafka producer
        with contextlib.suppress(Exception):
            await asyncio.wait_for(producer.disconnect(), timeout=10)
        await producer.connect(
            AIOKafkaProducer(**self.broker._connection_kwargs),
            serializer=getattr(producer, "serializer", None),
            codec=getattr(producer, "codec", None),
        )
        self.broken = False
        log.warning("the relay's Kafka producer was refused for good (sequence or producer id); replaced by a new one")


def sender_for(broker: KafkaBroker) -> EventSender:
    return RelaySender(broker)


@dataclass
class EventRouter:
    """event_type -> handlers; the one place where a service says what it listens to."""

    handlers: dict[str, list[Handler]] = field(default_factory=dict)
    # When a batch is applied several aggregates at a time: the `early` types before the rest of their
    # batch (what the others need: a contact before the e-mail to it), the `late` ones after it (what must
    # see the others' effects: an erasure deletes the e-mails they queued).
    early: set[str] = field(default_factory=set)
    late: set[str] = field(default_factory=set)

    def on(self, event_type: str, *handlers: Handler, early: bool = False, late: bool = False) -> EventRouter:
        if not any(key[0] == event_type for key in REGISTRY):
            raise ValueError(f"{event_type} is not in the contracts registry")
        self.handlers.setdefault(event_type, []).extend(handlers)
        if early:
            self.early.add(event_type)
        if late:
            self.late.add(event_type)
        return self

    def topics(self) -> list[str]:
        return sorted({c.topic for c in REGISTRY.values() if c.event_type in self.handlers})

    def for_type(self, event_type: str) -> list[Handler]:
        return self.handlers.get(event_type, [])


SERVERS_UNREACHABLE: tuple[type[BaseException], ...] = (
    ConnectionFailure,
    KafkaConnectionError,
    KafkaTimeoutError,
    ConnectionError,
    TimeoutError,
    OwnerUnreachable,  # the service owning what a handler fetches (contact points) is down or restarting
)


class Unprocessable(Exception):
    """The message cannot be processed whatever we retry: straight to the dead-letter topic."""


Parsed = tuple[ConsumerRecord[bytes, bytes], Envelope | None, str | None]  # a record, its envelope or why not


class EventConsumer:
    """Processes batches in order; commits (via FastStream's ack) only after the whole batch is done."""

    def __init__(
        self,
        broker: KafkaBroker,
        router: EventRouter,
        inbox: Inbox,
        settings: ServiceSettings,
        metrics: Metrics,
        *,
        group_id: str | None = None,
    ) -> None:
        self.broker = broker
        self.router = router
        self.inbox = inbox
        self.settings = settings
        self.metrics = metrics
        self.group_id = group_id or settings.consumer_group
        self._failures = 0

    def subscribe(self) -> None:
        topics = self.router.topics()
        if not topics:
            return

        @self.broker.subscriber(
            *topics,
            group_id=self.group_id,
            batch=True,
            max_records=self.settings.consumer_batch_size,
            batch_timeout_ms=10,  # FastStream sleeps this long again when a poll is empty
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{self.group_id}",
            decoder=_undecoded,
        )
        async def consume(body: Any, message: KafkaMessage) -> None:
            records = message.raw_message
            try:
                await self.process_batch(records if isinstance(records, tuple) else (records,))
                self._failures = 0
            except Exception as error:
                # The database or Kafka itself failed: back off, then let FastStream rewind the batch.
                self._failures += 1
                delay = min(self.settings.consumer_retry_backoff_seconds * 2**self._failures, 10.0)
                log.error("batch failed, rewinding in %.1f s: %s", delay, error)
                await asyncio.sleep(delay)
                raise

    async def process_batch(self, records: Iterable[ConsumerRecord[bytes, bytes]]) -> None:
        parsed: list[Parsed] = []
        for record in records:
            try:
                parsed.append((record, Envelope.from_bytes(record.value or b""), None))
            except ValidationError as error:
                parsed.append((record, None, _describe(error)))
        done = await self.inbox.already_processed(e.event_id for _, e, _ in parsed if e is not None)
        applied: list[Envelope] = []

        async def apply_in_order(group: list[Parsed]) -> None:
            for record, envelope, problem in group:
                if envelope is None:
                    await self.dead_letter(record, f"malformed envelope: {problem}", attempts=1)
                    continue
                if envelope.event_id in done:
                    self.metrics.consumed(record.topic, "duplicate")
                    continue
                if await self.process(record, envelope):
                    applied.append(envelope)
                done.add(envelope.event_id)

        try:
            await self._each_key(parsed, apply_in_order)
        finally:
            # One write for the batch (a write per event halved the throughput). A crash before it lets
            # this batch's events be applied again, so handlers keep their effects idempotent (guard on
            # aggregate_version), as the architecture asks.
            await self.inbox.record(applied)

    async def _each_key(self, parsed: list[Parsed], apply: Callable[[list[Parsed]], Awaitable[None]]) -> None:
        """The batch in order, or with `consumer_parallel_keys` > 1 the events of that many record keys at a
        time, each key's in order, between the router's `early` and `late` events of the batch (each in order):
        Kafka orders only a partition, hence only a key, so other handlers never rely on another aggregate's
        event coming first. Waits for every key before raising the first failure, so the rewound batch starts
        from a quiet service."""
        width = self.settings.consumer_parallel_keys
        if width == 1:
            await apply(parsed)
            return

        def of(types: set[str]) -> list[Parsed]:
            return [item for item in parsed if item[1] is not None and item[1].event_type in types]

        early, late = of(self.router.early), of(self.router.late)
        await apply(early)
        groups: dict[tuple[str, bytes | None], list[Parsed]] = {}
        for item in parsed:
            if item[1] is None or item[1].event_type not in self.router.early | self.router.late:
                groups.setdefault((item[0].topic, item[0].key), []).append(item)
        limit = asyncio.Semaphore(width)

        async def limited(group: list[Parsed]) -> None:
            async with limit:
                await apply(group)

        outcomes = await asyncio.gather(*(limited(g) for g in groups.values()), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        await apply(late)

    async def process(self, record: ConsumerRecord[bytes, bytes], envelope: Envelope) -> bool:
        """Apply one event; True when its effects are done, False when it went to the dead-letter topic."""
        handlers = self.router.for_type(envelope.event_type)
        if not handlers:
            self.metrics.consumed(record.topic, "ignored")
            return True
        try:
            payload = parse_payload(envelope)
        except (ValidationError, UnknownEventType) as error:
            await self.dead_letter(record, f"payload breaks its contract: {_describe(error)}", attempts=1)
            return False
        trace = context.TraceContext(envelope.correlation_id, envelope.tenant_id, envelope.event_id)
        attempts = self.settings.consumer_max_attempts
        for attempt in range(1, attempts + 1):
            try:
                with context.bound(trace):
                    for handler in handlers:
                        await handler(envelope, payload)
                self.metrics.consumed(record.topic, "applied")
                return True
            except Unprocessable as error:
                await self.dead_letter(record, f"unprocessable: {error}", attempts=attempt)
                return False
            except SERVERS_UNREACHABLE:
                # Not this event's fault: dead-lettering it would break its aggregate's order. The batch
                # is rewound after a backoff and applied again once the servers answer.
                raise
            except Exception as error:
                if attempt == attempts:
                    log.exception("event %s failed %d times", envelope.event_id, attempts)
                    await self.dead_letter(record, f"{type(error).__name__}: {error}", attempts=attempt)
                    return False
                delay = self.settings.consumer_retry_backoff_seconds * 2 ** (attempt - 1)
                log.warning("event %s failed (attempt %d/%d): %s", envelope.event_id, attempt, attempts, error)
                await asyncio.sleep(delay)
        return False

    async def dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str, *, attempts: int) -> None:
        headers = {name: value.decode(errors="replace") for name, value in (record.headers or ())}
        headers.update(
            {
                DLQ_ERROR: reason[:2000],
                DLQ_TOPIC: record.topic,
                DLQ_PARTITION: str(record.partition),
                DLQ_OFFSET: str(record.offset),
                DLQ_GROUP: self.group_id,
                DLQ_FAILED_AT: datetime.now(UTC).isoformat(),
                DLQ_ATTEMPTS: str(attempts),
            }
        )
        await self.broker.publish(
            record.value or b"", topic=dead_letter_topic(record.topic), key=record.key, headers=headers
        )
        self.metrics.dead_lettered(record.topic)
        self.metrics.consumed(record.topic, "dead_lettered")
        log.error(
            "dead-lettered %s[%d]@%d: %s",
            record.topic,
            record.partition,
            record.offset,
            reason,
            extra={"fields": {"topic": record.topic, "partition": record.partition, "offset": record.offset}},
        )


async def _undecoded(message: StreamMessage[Any]) -> Any:
    """Records are parsed by `process_batch` itself, so that a malformed one reaches the dead-letter topic."""
    return message.body


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()[:5])
    return str(error)
