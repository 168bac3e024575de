"""Dead letters: what failed, where it came from, and putting it back on its topic once fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from services.contracts.topics import DLQ_SUFFIX
from services.kit.messaging import (
    DLQ_ATTEMPTS,
    DLQ_ERROR,
    DLQ_FAILED_AT,
    DLQ_GROUP,
    DLQ_OFFSET,
    DLQ_PARTITION,
    DLQ_TOPIC,
)

REPLAYED_FROM = "x-replayed-from"

Record: TypeAlias = ConsumerRecord[bytes, bytes]


async def read_topic(
    bootstrap_servers: str, topic: str, keep: Callable[[Record], bool] = lambda r: True
) -> list[Record]:
    """Every record of a topic from its beginning to its current end, without joining a consumer group."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        partitions = sorted(consumer.assignment())
        if not partitions:
            raise LookupError(f"topic {topic} does not exist")
        ends = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list[Record] = []

        async def unread() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in partitions])

        while await unread():
            for batch in (await consumer.getmany(*partitions, timeout_ms=500)).values():
                records.extend(r for r in batch if r.offset < ends[TopicPartition(r.topic, r.partition)] and keep(r))
        return records
    finally:
        await consumer.stop()


@dataclass(frozen=True)
class DeadLetter:
    dlq_topic: str
    dlq_partition: int
    dlq_offset: int
    original_topic: str
    original_partition: int
    original_offset: int
    consumer_group: str
    error: str
    failed_at: str
    attempts: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, record: Record) -> DeadLetter:
        headers = {name: value.decode(errors="replace") for name, value in record.headers}
        return cls(
            dlq_topic=record.topic,
            dlq_partition=record.partition,
            dlq_offset=record.offset,
            original_topic=headers.get(DLQ_TOPIC, record.topic.removesuffix(DLQ_SUFFIX)),
            original_partition=int(headers.get(DLQ_PARTITION, "-1")),
            original_offset=int(headers.get(DLQ_OFFSET, "-1")),
            consumer_group=headers.get(DLQ_GROUP, "?"),
            error=headers.get(DLQ_ERROR, "?"),
            failed_at=headers.get(DLQ_FAILED_AT, "?"),
            attempts=int(headers.get(DLQ_ATTEMPTS, "0")),
            key=record.key,
            value=record.value or b"",
            headers=tuple(record.headers),
        )

    @property
    def position(self) -> str:
        return f"{self.dlq_partition}:{self.dlq_offset}"


async def list_dead_letters(bootstrap_servers: str, dlq_topic: str) -> list[DeadLetter]:
    return [DeadLetter.of(r) for r in await read_topic(bootstrap_servers, dlq_topic)]


async def replay(bootstrap_servers: str, letters: Iterable[DeadLetter]) -> int:
    """Publish each letter again on its original topic, with its key and its original headers.
    Consumers that already applied it skip it (inbox); the one that failed applies it now."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    count = 0
    try:
        for letter in letters:
            headers = [(n, v) for n, v in letter.headers if not n.startswith("x-dlq-") and n != REPLAYED_FROM]
            headers.append((REPLAYED_FROM, f"{letter.dlq_topic}@{letter.position}".encode()))
            await producer.send_and_wait(letter.original_topic, letter.value, key=letter.key, headers=headers)
            count += 1
    finally:
        await producer.stop()
    return count
