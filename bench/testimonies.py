"""Benchmark: testimonies' files in the database (`services.profiles.adapters.media.MediaStore`, GridFS on the
real engine): a 100 MB upload streamed in 64 KiB pieces (throughput, and the memory it held at most), a
whole read, and a player's range reads (1 MiB at random places, and a seek's first bytes). Writes
bench/results/testimonies.json.

    make bench-testimonies
    PARCOURS_MONGODB_URI=mongodb://127.0.0.1:27017 .venv/bin/python -m bench.testimonies   (a running database)"""

from __future__ import annotations

import asyncio
import os
import random
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from bench import report
from bench.report import percentile
from services.kit.mongo import connect
from services.kit.settings import ServiceSettings
from services.profiles.adapters.media import CHUNK_BYTES, MediaStore
from services.profiles.domain.byte_ranges import ByteRange

SIZE = int(os.environ.get("BENCH_TESTIMONY_MB", "100")) * 1_048_576
PIECE = 64 * 1024
RANGES, RANGE_BYTES = 200, 1_048_576
RESULT = Path(__file__).parent / "results" / "testimonies.json"


async def pieces(pattern: bytes) -> AsyncIterator[bytes]:
    for start in range(0, SIZE, PIECE):
        yield pattern[: min(PIECE, SIZE - start)]


async def read_all(store: MediaStore, byte_range: ByteRange) -> int:
    return sum([len(piece) async for piece in store.read("bench", byte_range, CHUNK_BYTES)])


async def first_bytes(store: MediaStore, first: int) -> None:
    """A seek: the player asks from `first` to the end and reads its first piece (the rest is never read)."""
    reading = store.read("bench", ByteRange(first, SIZE - 1, SIZE), CHUNK_BYTES)
    await anext(reading)
    await reading.aclose()  # type: ignore[attr-defined]


def mb_per_s(size: int, seconds: float) -> float:
    return round(size / 1_048_576 / seconds, 1)


async def main() -> None:
    settings = ServiceSettings(service_name="bench-testimonies", mongodb_database=f"bench_media_{uuid.uuid4().hex[:6]}")
    client, database = connect(settings)
    store = MediaStore(database)
    pattern = os.urandom(PIECE)
    try:
        tracemalloc.start()
        started = time.perf_counter()
        await store.store("bench", pieces(pattern), SIZE, {})
        upload_s = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        started = time.perf_counter()
        assert await read_all(store, ByteRange(0, SIZE - 1, SIZE)) == SIZE
        whole_s = time.perf_counter() - started

        ranges, seeks = [], []
        for _ in range(RANGES):
            first = random.randrange(0, SIZE - RANGE_BYTES)
            started = time.perf_counter()
            assert await read_all(store, ByteRange(first, first + RANGE_BYTES - 1, SIZE)) == RANGE_BYTES
            ranges.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await first_bytes(store, random.randrange(0, SIZE))
            seeks.append((time.perf_counter() - started) * 1000)

        figures = {
            "file_mb": SIZE // 1_048_576,
            "chunk_kib": CHUNK_BYTES // 1024,
            "upload_mb_per_s": mb_per_s(SIZE, upload_s),
            "upload_s": round(upload_s, 1),
            "upload_peak_python_memory_mb": round(peak / 1_048_576, 1),
            "whole_read_mb_per_s": mb_per_s(SIZE, whole_s),
            "range_1mib_p50_ms": round(percentile(ranges, 50), 1),
            "range_1mib_p99_ms": round(percentile(ranges, 99), 1),
            "range_1mib_mb_per_s": mb_per_s(RANGE_BYTES * RANGES, sum(ranges) / 1000),
            "seek_first_bytes_p50_ms": round(percentile(seeks, 50), 1),
            "seek_first_bytes_p99_ms": round(percentile(seeks, 99), 1),
            "ranges": RANGES,
            "load_average": round(os.getloadavg()[0], 1),
        }
        report.record(RESULT, figures)
    finally:
        await client.drop_database(database.name)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
