"""Rebuild matching's projections from profiles' topics (see `use_cases.rebuild`). Run it with the
matching service stopped:

    make rebuild-matching        (python -m services.matching.rebuild)"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from services.kit.mongo import connect
from services.kit.outbox import OutboxWriter
from services.kit.settings import load_settings
from services.matching.adapters.stores import Stores
from services.matching.app import MatchingSettings, memory_for
from services.matching.use_cases.rebuild import rank_everyone, replay


async def rebuild(settings: MatchingSettings) -> dict[str, int]:
    started = time.perf_counter()
    client, database = connect(settings)
    try:
        stores = Stores.on(database, OutboxWriter())
        counts = await replay(settings.kafka_bootstrap_servers, stores)
        memory = memory_for(settings)
        await rank_everyone(stores, memory)
        counts |= {
            "peers": len(memory.peers),
            "beneficiaries": len(memory.beneficiaries),
            "seconds": round(time.perf_counter() - started),
        }
        return counts
    finally:
        await client.close()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings(MatchingSettings)
    counts = asyncio.run(rebuild(settings))
    print(
        f"replayed {counts['applied']} events ({counts['ignored']} not for matching, "
        f"{counts['unreadable']} unreadable); {counts['peers']} peers, {counts['beneficiaries']} beneficiaries "
        f"ranked again in {counts['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
