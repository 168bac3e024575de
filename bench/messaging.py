"""Benchmark: events through outbox -> relay -> Kafka -> idempotent consumer, beside the floor of a bare
aiokafka produce -> consume round trip on the same broker. Writes bench/results/messaging.json.

    make bench-messaging        (starts its own Kafka and FerretDB on bench ports, then stops them)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import BaseModel

from bench import report
from bench.report import percentile
from services.contracts.envelope import Envelope
from services.contracts.events.registry import EventContract, register
from services.kit import kafka_admin, logs
from services.kit.inbox import Inbox
from services.kit.lease import LEASES
from services.kit.messaging import EventConsumer, EventRouter, build_broker, sender_for
from services.kit.metrics import Metrics
from services.kit.mongo import connect, create_indexes
from services.kit.outbox import PENDING_INDEX, OutboxRelay, OutboxWriter
from services.kit.settings import ServiceSettings

RESULTS = Path(__file__).parent / "results" / "messaging.json"
TOPIC = "bench.probe"
RAW_TOPIC = "bench.raw"
LATENCY_SAMPLES = int(os.environ.get("BENCH_LATENCY_SAMPLES", "300"))
THROUGHPUT_EVENTS = int(os.environ.get("BENCH_THROUGHPUT_EVENTS", "5000"))


class ProbeV1(BaseModel):
    sequence: int


def probe(sequence: int) -> Envelope:
    return Envelope(
        event_type="bench.probe.sent",
        aggregate_type="probe",
        aggregate_id=str(uuid.uuid4()),
        aggregate_version=1,
        producer="bench",
        payload={"sequence": sequence},
    )


async def raw_floor(bootstrap: str, samples: int) -> list[float]:
    """Latency of one message, produced with acks=all and idempotence, until a consumer returns it."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=1)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=500)
    await producer.start()
    await consumer.start()
    try:
        partition = TopicPartition(RAW_TOPIC, 0)
        consumer.assign([partition])
        await consumer.seek_to_end(partition)
        await consumer.position(partition)
        latencies = []
        for i in range(samples + 20):
            started = time.perf_counter()
            await producer.send(RAW_TOPIC, str(i).encode(), key=b"k", partition=0)
            while True:
                record = await consumer.getone(partition)
                if record.value == str(i).encode():
                    break
            if i >= 20:  # warm-up
                latencies.append((time.perf_counter() - started) * 1000)
        return latencies
    finally:
        await producer.stop()
        await consumer.stop()


async def pipeline(settings: ServiceSettings) -> dict[str, Any]:
    client, db = connect(settings)
    await client.drop_database(settings.database_name)
    collection = db["probes"]
    broker = build_broker(settings)
    arrivals: dict[str, float] = {}
    arrived = asyncio.Event()
    expected: set[str] = set()

    async def on_probe(envelope: Envelope, payload: ProbeV1) -> None:
        arrivals[envelope.event_id] = time.perf_counter()
        if expected and expected <= arrivals.keys():
            arrived.set()

    router = EventRouter().on("bench.probe.sent", on_probe)
    inbox = Inbox(db, settings.consumer_group)
    EventConsumer(broker, router, inbox, settings, Metrics("bench")).subscribe()
    await broker.start()
    published = {"count": 0, "done_at": 0.0}
    all_published = asyncio.Event()

    def count_published(topic: str, count: int) -> None:
        published["count"] += count
        published["done_at"] = time.perf_counter()
        if published["count"] >= THROUGHPUT_EVENTS:
            all_published.set()

    await create_indexes(db, {collection.name: [PENDING_INDEX]})
    relay = OutboxRelay([collection], sender_for(broker), db[LEASES], sweep_seconds=5.0, on_published=count_published)
    writer = OutboxWriter(relay.wake)

    async def write(sequence: int) -> Envelope:
        event = probe(sequence)
        await writer.insert(collection, {"_id": event.aggregate_id}, [(event, TOPIC)])
        return event

    async def wait_for(ids: set[str], timeout: float = 120) -> None:
        expected.clear()
        expected.update(ids)
        arrived.clear()
        if not ids <= arrivals.keys():
            await asyncio.wait_for(arrived.wait(), timeout)

    try:
        # Throughput: fill the outboxes first (relay stopped), then let relay and consumer drain them.
        written_at = time.perf_counter()
        events: list[Envelope] = []
        for chunk in range(0, THROUGHPUT_EVENTS, 50):
            events += await asyncio.gather(*(write(i) for i in range(chunk, min(chunk + 50, THROUGHPUT_EVENTS))))
        write_seconds = time.perf_counter() - written_at
        relay_task = asyncio.create_task(relay.run())
        started = time.perf_counter()
        relay.wake()
        await wait_for({e.event_id for e in events}, timeout=300)
        await asyncio.wait_for(all_published.wait(), 60)  # removal from the outboxes comes after the ack
        relay_seconds = published["done_at"] - started
        consumed_seconds = max(arrivals[e.event_id] for e in events) - started

        # Latency: one event at a time, from the write until the consumer's handler runs.
        latencies = []
        for i in range(LATENCY_SAMPLES + 20):
            begin = time.perf_counter()
            event = await write(i)
            await wait_for({event.event_id})
            if i >= 20:
                latencies.append((arrivals[event.event_id] - begin) * 1000)
        relay_task.cancel()

        # An idle sweep over the 5,300 aggregates, all published: one query on the pending index.
        sweeps: list[float] = []
        for _ in range(20):
            begin = time.perf_counter()
            await relay.relay_once()
            sweeps.append((time.perf_counter() - begin) * 1000)
        return {
            "idle_sweep_ms": statistics.median(sweeps),
            "outbox_writes_per_s": THROUGHPUT_EVENTS / write_seconds,
            "relay_events_per_s": THROUGHPUT_EVENTS / relay_seconds,
            "pipeline_events_per_s": THROUGHPUT_EVENTS / consumed_seconds,
            "latencies": latencies,
        }
    finally:
        await broker.stop()
        await client.drop_database(settings.database_name)
        await client.close()


async def main() -> None:
    logs.configure("bench", "WARNING", as_json=False)
    settings = ServiceSettings(service_name="bench", consumer_batch_size=500)
    register(EventContract("bench.probe.sent", 1, TOPIC, ProbeV1))
    await asyncio.to_thread(
        kafka_admin.provision_topics, settings.kafka_bootstrap_servers, [TOPIC, TOPIC + ".dlq", RAW_TOPIC], 3, 1
    )
    raw = await raw_floor(settings.kafka_bootstrap_servers, LATENCY_SAMPLES)
    measured = await pipeline(settings)
    latencies = measured.pop("latencies")
    result = {
        "relay_events_per_s": round(measured["relay_events_per_s"]),
        "pipeline_events_per_s": round(measured["pipeline_events_per_s"]),
        "outbox_writes_per_s": round(measured["outbox_writes_per_s"]),
        "idle_sweep_ms": round(measured["idle_sweep_ms"], 2),
        "e2e_latency_ms_p50": round(percentile(latencies, 50), 2),
        "e2e_latency_ms_p99": round(percentile(latencies, 99), 2),
        "e2e_latency_ms_mean": round(statistics.fmean(latencies), 2),
        "raw_kafka_latency_ms_p50": round(percentile(raw, 50), 2),
        "raw_kafka_latency_ms_p99": round(percentile(raw, 99), 2),
        "throughput_events": THROUGHPUT_EVENTS,
        "latency_samples": LATENCY_SAMPLES,
        "servers": f"Kafka at {settings.kafka_bootstrap_servers}, database at {settings.mongodb_uri}",
    }
    report.record(RESULTS, result)


if __name__ == "__main__":
    asyncio.run(main())
