"""The running parts every service has: database, broker, outbox relay, consumer, readiness, lag.

A service's composition root builds one ServiceRuntime and hands it to `http.create_app`. Start-up
never fails because Kafka or the database is down: the service answers 503 on /readyz, retries with
backoff, and becomes ready by itself when the servers come back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from faststream.kafka import KafkaBroker

from services.contracts.topics import all_topic_names
from services.kit import kafka_admin
from services.kit.inbox import Inbox
from services.kit.lease import LEASES, Lease
from services.kit.messaging import EventConsumer, EventRouter, build_broker, sender_for
from services.kit.metrics import Metrics
from services.kit.mongo import Document, IndexDeclarations, connect, create_indexes, ping
from services.kit.outbox import PENDING_INDEX, OutboxRelay, OutboxWriter
from services.kit.rate_limits import INDEXES as RATE_LIMIT_INDEXES
from services.kit.settings import ServiceSettings

log = logging.getLogger(__name__)

DatabaseSetup = Callable[[Any], Awaitable[None]]


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        aggregate_collections: Sequence[str] = (),
        router: EventRouter | None = None,
        indexes: IndexDeclarations | None = None,
        setup_database: DatabaseSetup | None = None,
    ) -> None:
        """`indexes` are every index of the service's collections, declared in one place and created at
        start-up; the kit adds its own (pending outboxes, the inbox's expiry, past rate-limit windows)."""
        self.settings = settings
        self.instance = f"{settings.service_name}-{uuid.uuid4().hex[:8]}"
        self.metrics = Metrics(settings.service_name)
        self.client, self.db = connect(settings)
        self.broker: KafkaBroker = build_broker(settings)
        self.relay = OutboxRelay(
            [self.db[name] for name in aggregate_collections],
            sender_for(self.broker),
            self.db[LEASES],
            owner=self.instance,
            lease_seconds=settings.relay_lease_seconds,
            sweep_seconds=settings.relay_sweep_seconds,
            batch_size=settings.relay_batch_size,
            on_published=self.metrics.published,
            on_set_aside=self.metrics.set_aside,
        )
        self.outbox = OutboxWriter(self.relay.wake)
        self.inbox = Inbox(self.db, consumer=settings.consumer_group)
        self.indexes = _merge(
            {name: [PENDING_INDEX] for name in aggregate_collections},
            self.inbox.indexes(settings.inbox_retention_days),
            RATE_LIMIT_INDEXES,
            indexes or {},
        )
        self.router = router or EventRouter()
        self.consumer = EventConsumer(self.broker, self.router, self.inbox, settings, self.metrics)
        self._setup_database = setup_database
        self._tasks: list[asyncio.Task[None]] = []
        self._periodic: list[tuple[str, float, Callable[[], Awaitable[object]], bool]] = []
        self.on_stop: list[Callable[[], Awaitable[object]]] = []  # resources of the composition root
        self.database_ready = False
        self._database_up = asyncio.Event()
        self.kafka_ready = False
        self.last_errors: dict[str, str] = {}

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        self.consumer.subscribe()  # the router is complete once the composition root is done
        self._tasks.append(asyncio.create_task(self._bring_up_database(), name="database-up"))
        self._tasks.append(asyncio.create_task(self._bring_up_kafka(), name="kafka-up"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        for close in self.on_stop:
            with contextlib.suppress(Exception):
                await close()
        if self.kafka_ready:
            with contextlib.suppress(Exception):
                await self.broker.stop()
        await self.client.close()

    async def _retry(self, what: str, attempt: Callable[[], Awaitable[None]]) -> None:
        delay = 0.5
        while True:
            try:
                await attempt()
                self.last_errors.pop(what, None)
                log.info("%s is ready", what)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.last_errors[what] = f"{type(error).__name__}: {error}"
                log.error("%s is not reachable (%s); retrying in %.1f s", what, self.last_errors[what], delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.startup_backoff_max_seconds)

    async def _bring_up_database(self) -> None:
        async def attempt() -> None:
            await ping(self.db)
            await create_indexes(self.db, self.indexes)
            if self._setup_database is not None:
                await self._setup_database(self.db)

        await self._retry(f"database {self.settings.database_name}", attempt)
        self.database_ready = True
        self._database_up.set()
        for name, seconds, job, each_instance in self._periodic:
            self._tasks.append(asyncio.create_task(self._every(name, seconds, job, each_instance), name=name))

    def every(
        self, name: str, seconds: float, job: Callable[[], Awaitable[object]], *, each_instance: bool = False
    ) -> None:
        """A time-based job of this service, run every `seconds` once the database answers, by one
        instance at a time: the one holding the job's lease (another takes over if it dies). With
        `each_instance`, by every instance, without a lease: what an instance does for itself (the live
        stream to its own browsers) or what is safe in parallel."""
        self._periodic.append((name, seconds, job, each_instance))

    async def _every(
        self, name: str, seconds: float, job: Callable[[], Awaitable[object]], each_instance: bool = False
    ) -> None:
        lease = None if each_instance else Lease(self.db[LEASES], f"job:{name}", self.instance, max(3 * seconds, 30.0))
        try:
            while True:
                try:
                    if lease is None or await lease.holds():
                        result = await job()
                        log.info("%s: %s", name, result)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("%s failed; next run in %.0f s", name, seconds)
                await asyncio.sleep(seconds)
        finally:
            if lease is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(lease.release())

    async def _bring_up_kafka(self) -> None:
        settings = self.settings

        async def attempt() -> None:
            created = await asyncio.to_thread(
                kafka_admin.provision_topics,
                settings.kafka_bootstrap_servers,
                all_topic_names(),
                settings.topic_partitions,
                settings.topic_replication_factor,
                int(settings.topic_retention_days * 86_400_000),
            )
            if created:
                log.info("created topics %s", ", ".join(created))
            await self._database_up.wait()  # consumers start once the database is set up (e.g. memory loaded)
            await self.broker.start()

        await self._retry(f"Kafka at {settings.kafka_bootstrap_servers}", attempt)
        self.kafka_ready = True
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        self._tasks.append(asyncio.create_task(self._watch_lag(), name="consumer-lag"))

    async def _watch_lag(self, every_seconds: float = 15.0) -> None:
        topics = self.router.topics()
        while topics:
            try:
                lag = await asyncio.to_thread(
                    kafka_admin.consumer_lag,
                    self.settings.kafka_bootstrap_servers,
                    self.settings.consumer_group,
                    topics,
                )
                for topic, value in lag.items():
                    self.metrics.consumer_lag.labels(self.settings.service_name, topic).set(value)
                self.metrics.outbox_pending.labels(self.settings.service_name).set(await self.relay.pending())
            except Exception as error:
                log.warning("could not measure consumer lag: %s", error)
            await asyncio.sleep(every_seconds)

    # -- readiness --------------------------------------------------------------------------------

    async def readiness(self) -> dict[str, Document]:
        checks: dict[str, Document] = {}
        try:
            await asyncio.wait_for(ping(self.db), timeout=2)
            ok = self.database_ready
            checks["database"] = {"ok": ok, "detail": "ready" if ok else "setting up"}
        except Exception as error:
            checks["database"] = {"ok": False, "detail": f"{type(error).__name__}: {error}"}
        if not self.kafka_ready:
            detail = self.last_errors.get(f"Kafka at {self.settings.kafka_bootstrap_servers}", "connecting")
            checks["kafka"] = {"ok": False, "detail": detail}
        else:
            ok = await self.broker.ping(timeout=2)
            checks["kafka"] = {"ok": ok, "detail": "ready" if ok else "broker does not answer"}
        return checks


def _merge(*declarations: IndexDeclarations) -> dict[str, list[Any]]:
    merged: dict[str, list[Any]] = {}
    for declaration in declarations:
        for collection, models in declaration.items():
            merged.setdefault(collection, []).extend(models)
    return merged
