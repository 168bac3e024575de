"""Every matching instance's memory follows every change, whichever instance made it.

Instances share the work of the consumer group: each applies the events of the partitions it owns (writes,
rankings, events out), and keeps its own memory current with them. The others hear of those changes here:
each instance also reads, outside any consumer group (every instance sees every record), the topics that
change the memory, and applies them to its memory only, never to the database or Kafka:

- profiles' agencies, peers, beneficiaries and erasures: the memory takes the event's payload as the
  projection does (peer cards and beneficiary projects are plain copies of it), at the event's version;
- `matching.suggestion.ranked` and `.dismissed`: a top list as it now stands, a dismissed pair;
- `matching.introduction.*`: the peer's bookings and reliability are counted again from the database
  (`PeerRecords.follow`); the event is published after the write, so the count sees it.

This module is the Kafka side (where to begin, the reader, `caught_up`); what each change does to the
memory is `handlers.MemoryUpdates`.

An instance about to rank (a beneficiary's list, or the lists a peer enters) first waits until its memory
holds every profiles event published so far (`caught_up`): a peer and a beneficiary announced a moment
apart and applied by two instances cannot then miss each other (whichever ranks second sees the other,
either in its memory or, for the peer's instance, as the beneficiary's projection already written).

At start-up, `start` notes where to begin before the memory is read from the database, so that no change
falls between the two: profiles' topics from the consumer group's committed offsets (what is before them
is in the projections the memory reads), matching's own topics from their end (what is before it was
written before the memory was read). A change seen both ways is applied twice to the memory, which is
harmless: every memory change is guarded by the version it describes, or is a count from the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from kafka import TopicPartition as AdminPartition
from kafka.admin import KafkaAdminClient, OffsetSpec
from pydantic import ValidationError

from services.contracts.envelope import Envelope
from services.contracts.events.registry import UnknownEventType, parse_payload
from services.matching.adapters.stores import Stores
from services.matching.memory import Memory

log = logging.getLogger(__name__)

FROM_THE_GROUP = ("profiles.agency", "profiles.peer", "profiles.beneficiary", "profiles.person")
FROM_THE_END = ("matching.suggestion", "matching.introduction")
FOLLOWED = FROM_THE_GROUP + FROM_THE_END

Apply = Callable[[Envelope, Any], Awaitable[None]]


class MemoryFollower:
    def __init__(
        self, bootstrap_servers: str, consumer_group: str, memory: Memory, stores: Stores, apply: Apply
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.consumer_group = consumer_group
        self.memory = memory
        self.stores = stores
        self.apply = apply  # what a change does to the memory (`handlers.MemoryUpdates.apply`)
        self.positions: dict[TopicPartition, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._ends: AIOKafkaConsumer | None = None  # asks where the topics end (`caught_up`)
        self._advanced = asyncio.Event()
        self._skip_waits_until = 0.0

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self, database: Any) -> None:
        """The service's database set-up step: where to begin, then the memory, then follow from there
        (`database` is the runtime's, already in `stores`)."""
        await self.stop()
        self.positions = await asyncio.to_thread(
            starting_points, self.bootstrap_servers, self.consumer_group, FROM_THE_GROUP, FROM_THE_END
        )
        await self.memory.load(self.stores)
        self._task = asyncio.create_task(self._follow(), name="memory-follower")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _follow(self) -> None:
        """Read from the noted positions on, forever; after a lost connection, from where it stopped."""
        delay = 0.5
        while True:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",  # a position the topic's retention removed: from its oldest record
                client_id="parcours-matching-memory",
            )
            # where the topics end is asked on a client of its own: on the reader's connection the request
            # would wait behind its long-polling fetch (half a second)
            ends = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers, group_id=None, client_id="parcours-matching-memory-ends"
            )
            try:
                await consumer.start()
                await ends.start()
                consumer.assign(list(self.positions))
                for partition, offset in self.positions.items():
                    consumer.seek(partition, offset)
                self._ends = ends
                delay = 0.5
                while True:
                    batches = await consumer.getmany(timeout_ms=500, max_records=500)
                    for partition, records in batches.items():
                        for record in records:
                            await self._apply_record(record)
                            self.positions[partition] = record.offset + 1
                    self._advanced.set()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.error("the memory follower lost Kafka (%s); again in %.1f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
            finally:
                self._ends = None
                for client in (ends, consumer):
                    with contextlib.suppress(Exception):
                        await client.stop()

    async def caught_up(self, timeout: float = 2.0) -> None:
        """Return once the memory holds every profiles event published before the call (one request for the
        partitions' ends, half a millisecond here, then the follower's progress). A follower that is away or
        far behind is not waited for long: the ranking goes on as it would have, and waits are skipped for a
        while."""
        loop = asyncio.get_running_loop()
        client = self._ends
        if client is None or loop.time() < self._skip_waits_until:
            return
        partitions = [p for p in self.positions if p.topic in FROM_THE_GROUP]
        try:
            ends = await client.end_offsets(partitions)
        except Exception as error:
            log.warning("could not read where profiles' topics end (%s): ranking without waiting", error)
            return
        deadline = loop.time() + timeout
        while any(self.positions.get(p, 0) < end for p, end in ends.items()):
            left = deadline - loop.time()
            if left <= 0:
                log.warning("the memory follower is more than %.0f s behind: ranking without waiting for it", timeout)
                self._skip_waits_until = loop.time() + 30
                return
            self._advanced.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._advanced.wait(), left)

    async def _apply_record(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """One record into the memory. One that cannot be read is skipped (the consumer group sends it to
        the dead-letter topic); one whose effect needs the database waits for the database."""
        try:
            envelope = Envelope.from_bytes(record.value or b"")
            payload = parse_payload(envelope)
        except (ValidationError, UnknownEventType, ValueError) as error:
            log.warning(
                "the memory follower skipped %s[%d]@%d: %s", record.topic, record.partition, record.offset, error
            )
            return
        delay = 0.2
        while True:
            try:
                await self.apply(envelope, payload)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.error(
                    "the memory follower could not apply %s (%s); again in %.1f s", envelope.event_id, error, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)


def starting_points(
    bootstrap_servers: str, consumer_group: str, from_the_group: tuple[str, ...], from_the_end: tuple[str, ...]
) -> dict[TopicPartition, int]:
    """Per partition of the followed topics, where to begin (blocking, kafka-python's admin client): the
    group's committed offset (the oldest record when it has none), or the end. Raises while a topic is
    missing (the service provisions them at start-up, maybe at this very moment)."""
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap_servers,
        client_id="parcours-matching-memory",
        request_timeout_ms=5000,
        bootstrap_timeout_ms=3000,
    )
    try:
        topics = admin.describe_topics(sorted(from_the_group + from_the_end))
        partitions = [AdminPartition(t["name"], p["partition_index"]) for t in topics for p in t["partitions"]]
        missing = set(from_the_group + from_the_end) - {p.topic for p in partitions}
        if missing:
            raise RuntimeError(f"topics {', '.join(sorted(missing))} do not exist yet")
        committed = admin.list_group_offsets({consumer_group: None}).get(consumer_group, {})
        oldest = admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.EARLIEST))
        ends = admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.LATEST))
        points: dict[TopicPartition, int] = {}
        for p in partitions:
            done = committed.get(p)
            if p.topic in from_the_end:
                points[TopicPartition(p.topic, p.partition)] = ends[p].offset
            elif done is not None and done.offset >= 0:
                points[TopicPartition(p.topic, p.partition)] = done.offset
            else:
                points[TopicPartition(p.topic, p.partition)] = oldest[p].offset
        return points
    finally:
        admin.close()
