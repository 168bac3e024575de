"""Live delivery to browsers (Server-Sent Events): the reader of the delivery topic and the hub it feeds.

The instance that stores a notification publishes `notifications.delivery.created`; every instance reads
that topic outside any consumer group (each sees every record, from the end) and pushes it to the browsers
connected to it. A browser that reconnects sends the last id it saw (`Last-Event-ID`) and gets what it
missed from the inbox first."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator

from aiokafka import AIOKafkaConsumer

from services.contracts.envelope import Envelope
from services.contracts.events.notifications import NotificationCreatedV1
from services.notifications.adapters.pushes import TOPIC

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 15.0
QUEUE_SIZE = 1000


class Hub:
    """The browsers connected to this instance, by staff member."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[NotificationCreatedV1]]] = defaultdict(set)
        self._behind: set[int] = set()  # queues that missed a frame: their stream ends, the browser resumes

    @contextlib.contextmanager
    def listen(self, staff_id: str) -> Iterator[asyncio.Queue[NotificationCreatedV1]]:
        queue: asyncio.Queue[NotificationCreatedV1] = asyncio.Queue(QUEUE_SIZE)
        self._queues[staff_id].add(queue)
        try:
            yield queue
        finally:
            self._behind.discard(id(queue))
            self._queues[staff_id].discard(queue)
            if not self._queues[staff_id]:
                del self._queues[staff_id]

    def publish(self, notification: NotificationCreatedV1) -> None:
        for queue in self._queues.get(notification.staff_id, ()):
            try:
                queue.put_nowait(notification)
            except asyncio.QueueFull:
                self._behind.add(id(queue))

    def behind(self, queue: asyncio.Queue[NotificationCreatedV1]) -> bool:
        """This browser missed frames: its stream should end, so that it reconnects with Last-Event-ID."""
        return id(queue) in self._behind

    def all_behind(self) -> None:
        """The live reader lost frames (it reconnected to Kafka): every browser resumes from its inbox."""
        self._behind.update(id(q) for queues in self._queues.values() for q in queues)


async def broadcast(bootstrap_servers: str, hub: Hub) -> None:
    """Every record of the delivery topic, from now on, to this instance's browsers; reconnects forever."""
    delay = 0.5
    while True:
        consumer = AIOKafkaConsumer(
            TOPIC, bootstrap_servers=bootstrap_servers, group_id=None, auto_offset_reset="latest"
        )
        try:
            await consumer.start()
            hub.all_behind()  # what was published while the reader was away is in the inboxes: resume from them
            delay = 0.5
            async for record in consumer:
                try:
                    envelope = Envelope.from_bytes(record.value or b"")
                    hub.publish(NotificationCreatedV1.model_validate(envelope.payload))
                except Exception as error:  # a bad record must not stop live delivery
                    log.warning("live delivery skipped a record at %s@%d: %s", record.topic, record.offset, error)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.error("live delivery lost Kafka (%s); again in %.1f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()
