"""Benchmark: what the closed-account check costs each authenticated request (`services.kit.closed_accounts`):
the indexed read by `_id` alone (no cache), and with the 1-second memory of an open account, for a
collection of 10,000 closed accounts, on the real database engine. Writes bench/results/closed_accounts.json.

    PARCOURS_MONGODB_URI=mongodb://127.0.0.1:27017 .venv/bin/python -m bench.closed_accounts

(against a running database: `make up`, or the tests' servers)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from bench import report
from bench.report import percentile
from services.kit.closed_accounts import COLLECTION, ClosedAccountList
from services.kit.mongo import connect
from services.kit.settings import ServiceSettings

CLOSED, CALLS, CALLERS = 10_000, 2_000, 50
RESULT = Path(__file__).parent / "results" / "closed_accounts.json"


async def timed(accounts: ClosedAccountList, staff_ids: list[str]) -> list[float]:
    durations = []
    for number in range(CALLS):
        started = time.perf_counter()
        await accounts.is_closed(staff_ids[number % len(staff_ids)])
        durations.append((time.perf_counter() - started) * 1000)
    return durations


async def main() -> None:
    settings = ServiceSettings(service_name="bench-closed", mongodb_database=f"bench_closed_{uuid.uuid4().hex[:6]}")
    client, database = connect(settings)
    try:
        await database[COLLECTION].insert_many([{"_id": f"closed-{n}"} for n in range(CLOSED)])
        callers = [str(uuid.uuid4()) for _ in range(CALLERS)]  # open accounts, signed in
        figures: dict[str, object] = {}
        for name, seconds in (("read_each_request", 0.0), ("open_remembered_1s", 1.0)):
            durations = await timed(ClosedAccountList(database, open_seconds=seconds), callers)
            figures[name] = {
                "p50_ms": round(percentile(durations, 50), 3),
                "p99_ms": round(percentile(durations, 99), 3),
                "mean_ms": round(sum(durations) / len(durations), 3),
            }
        figures["closed_accounts"], figures["calls"], figures["signed_in_callers"] = CLOSED, CALLS, CALLERS
        report.record(RESULT, figures)
        print(figures)
    finally:
        await client.drop_database(database.name)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
