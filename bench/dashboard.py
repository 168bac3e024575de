"""Benchmark: the region's dashboard on FerretDB: how fast the console's projection counts events, and
how long the funnel takes to read for the whole region and for one agency as the counted steps grow, and
how long a recount of every bucket takes.
Writes bench/results/dashboard.json.

    make bench-dashboard         (starts its own FerretDB on the bench port, then stops it)
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import report
from bench.report import percentile
from services.console.adapters.funnel import FunnelCounts, bucket_of
from services.console.adapters.sectors import BeneficiarySectors, IntroductionSectors
from services.console.domain.funnel import Fact, Stage, table
from services.console.use_cases.counting import FunnelCounting
from services.contracts.envelope import Envelope
from services.contracts.events.matching import SuggestionOfferedV1
from services.kit.mongo import connect
from services.kit.settings import ServiceSettings

RESULTS = Path(__file__).parent / "results" / "dashboard.json"
HANDLED = int(os.environ.get("BENCH_DASHBOARD_HANDLED", "2000"))
SIZES = [int(n) for n in os.environ.get("BENCH_DASHBOARD_SIZES", "10000,100000").split(",")]
AGENCIES = [str(uuid.uuid4()) for _ in range(6)]
READS = 20


def suggestion(moment: datetime) -> tuple[Envelope, SuggestionOfferedV1]:
    payload = SuggestionOfferedV1(
        beneficiary_id=str(uuid.uuid4()),
        agency_id=random.choice(AGENCIES),
        counsellor_id="c",
        peer_id=str(uuid.uuid4()),
        rank=1,
        score=0.8,
        reasons=[],
    )
    envelope = Envelope(
        event_type="matching.suggestion.offered",
        event_version=1,
        aggregate_type="suggestion",
        aggregate_id=payload.beneficiary_id,
        aggregate_version=1,
        tenant_id=payload.agency_id,
        producer="bench",
        occurred_at=moment,
        payload=payload.model_dump(mode="json"),
    )
    return envelope, payload


def step(index: int) -> dict[str, Any]:
    """A counted step as the store keeps it, for filling the collection faster than event by event."""
    month = f"2026-{1 + index % 12:02d}"
    fact = Fact(f"bench-{index}", random.choice(AGENCIES), random.choice("DFGHJKMN"), month, random.choice(list(Stage)))
    fields = {"agency_id": fact.agency_id, "sector": fact.sector, "month": fact.month, "stage": fact.stage.value}
    return {"_id": fact.key, **fields, "bucket": bucket_of(fact), "counted": True}


async def read_ms(counts: FunnelCounts, agencies: list[str]) -> list[float]:
    timings = []
    for _ in range(READS):
        started = time.perf_counter()
        table(await counts.counted(agencies, None))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def main() -> None:
    settings = ServiceSettings(service_name="bench_dashboard")
    client, database = connect(settings)
    await client.drop_database(settings.database_name)
    counts = FunnelCounts(database)
    counting = FunnelCounting(counts, BeneficiarySectors(database), IntroductionSectors(database))
    result: dict[str, Any] = {}
    try:
        now = datetime.now(UTC)
        started = time.perf_counter()
        for index in range(HANDLED):
            envelope, payload = suggestion(now - timedelta(minutes=index))
            await counting.suggestion_offered(
                envelope.event_id, envelope.occurred_at, payload.agency_id, payload.beneficiary_id
            )
        result["counted_events_per_s"] = round(HANDLED / (time.perf_counter() - started))
        written = HANDLED
        for size in SIZES:
            while written < size:
                batch = [step(i) for i in range(written, min(size, written + 5000))]
                await counts.steps.insert_many(batch)
                written += len(batch)
            started = time.perf_counter()
            await counts.recount()
            result[f"recount_{size}_steps_s"] = round(time.perf_counter() - started, 2)
            region, one = await read_ms(counts, AGENCIES), await read_ms(counts, AGENCIES[:1])
            result[f"funnel_region_{size}_steps_ms"] = {
                "p50": round(percentile(region, 50), 1),
                "p99": round(percentile(region, 99), 1),
            }
            result[f"funnel_one_agency_{size}_steps_ms"] = {
                "p50": round(percentile(one, 50), 1),
                "p99": round(percentile(one, 99), 1),
            }
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    report.record(RESULTS, result)


if __name__ == "__main__":
    asyncio.run(main())
