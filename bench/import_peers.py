"""Benchmark: the peers import tool on a 10,000-row spreadsheet with a few hundred bad rows.
Writes bench/results/import.json.      make bench-import"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench import report
from services.kit.mongo import connect
from services.kit.outbox import OutboxWriter
from services.kit.settings import ServiceSettings
from services.profiles.adapters.peers import Peers
from services.profiles.importing.cli import read_rows
from services.profiles.importing.samples import spreadsheet
from services.profiles.use_cases.peer_import import import_peers

RESULTS = Path(__file__).parent / "results" / "import.json"
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))


async def main() -> None:
    settings = ServiceSettings(service_name="bench_import")
    client, database = connect(settings)
    await client.drop_database(settings.database_name)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path, bad = spreadsheet(Path(folder) / "peers.csv", ROWS, 33, "bench.fr")
            parse_started = time.perf_counter()
            rows, _ = read_rows(path)
            parse_seconds = time.perf_counter() - parse_started
        outcome = await import_peers(rows, "bench-agency", "52", Peers(database, OutboxWriter()))
        result = {
            "rows": ROWS,
            "imported": outcome.imported,
            "rejected_rows": outcome.rejected_rows,
            "expected_rejected": len(bad),
            "rows_per_s": round(ROWS / outcome.seconds),
            "seconds": round(outcome.seconds, 2),
            "csv_read_seconds": round(parse_seconds, 3),
            "database": settings.mongodb_uri,
        }
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    report.record(RESULTS, result)


if __name__ == "__main__":
    asyncio.run(main())
