"""Rebuild matching's projections from scratch: drop them, replay profiles' topics from their beginning
through the same handlers, then rank every beneficiary's list again (the new entries' events wait in the
lists' outbox until the service's relay sends them). Dismissals and introductions are matching's own
facts and stay. Run it with the matching service stopped:

    make rebuild-matching        (python -m services.matching.rebuild)

It replays what Kafka still holds: profiles' topics must keep their records at least as long as the
people they describe are on the platform."""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.registry import parse_payload
from services.kit.agency_directory import AgencyDirectory
from services.kit.dead_letters import read_topic
from services.kit.messaging import EventRouter
from services.kit.mongo import Document, connect
from services.kit.outbox import OutboxWriter
from services.kit.settings import load_settings
from services.matching.adapters.projections import BENEFICIARIES, PEERS, Projections
from services.matching.app import MatchingSettings, memory_for
from services.matching.rematching import Rematcher

TOPICS = ("profiles.agency", "profiles.peer", "profiles.beneficiary", "profiles.person")  # agencies first: regions

log = logging.getLogger(__name__)


async def replay(bootstrap_servers: str, database: AsyncDatabase[Document]) -> dict[str, int]:
    for name in (PEERS, BENEFICIARIES, "agency_directory"):
        await database.drop_collection(name)
    router = EventRouter()
    AgencyDirectory(database).subscribe(router)
    Projections(database).subscribe(router)
    counts = {"applied": 0, "ignored": 0, "unreadable": 0}
    for topic in TOPICS:
        for record in await read_topic(bootstrap_servers, topic):
            try:
                envelope = Envelope.from_bytes(record.value)
                handlers = router.for_type(envelope.event_type)
                payload = parse_payload(envelope) if handlers else None
            except (ValidationError, ValueError, KeyError):
                counts["unreadable"] += 1  # the live consumer dead-lettered it too
                continue
            for handler in handlers:
                await handler(envelope, payload)
            counts["applied" if handlers else "ignored"] += 1
    return counts


async def rebuild(settings: MatchingSettings) -> dict[str, int]:
    started = time.perf_counter()
    client, database = connect(settings)
    try:
        counts = await replay(settings.kafka_bootstrap_servers, database)
        memory = memory_for(settings)
        await memory.load(database)
        rematcher = Rematcher(database, Projections(database), memory, OutboxWriter())
        for beneficiary_id in list(memory.beneficiaries.table.row_of):
            await rematcher.refresh(beneficiary_id)
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
