"""Rebuilding matching's projections from scratch (an operator's job, with the service stopped): forget
them, replay profiles' topics from their beginning through the same appliers, then rank every
beneficiary's list again (the new entries' events wait in the lists' outbox until the service's relay
sends them). Dismissals and introductions are matching's own facts and stay.

It replays what Kafka still holds: profiles' topics must keep their records at least as long as the
people they describe are on the platform."""

from __future__ import annotations

from pydantic import ValidationError

from services.contracts.envelope import Envelope
from services.contracts.events.registry import parse_payload
from services.kit.dead_letters import read_topic
from services.kit.messaging import EventRouter
from services.matching.adapters.stores import Stores
from services.matching.handlers import subscribe_projections
from services.matching.memory import Memory
from services.matching.use_cases.rematching import Rematcher

TOPICS = ("profiles.agency", "profiles.peer", "profiles.beneficiary", "profiles.person")  # agencies first: regions


async def replay(bootstrap_servers: str, stores: Stores) -> dict[str, int]:
    await stores.projections.clear()
    router = EventRouter()
    stores.agencies.subscribe(router)
    subscribe_projections(router, stores.projections)
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


async def rank_everyone(stores: Stores, memory: Memory) -> None:
    """The memory loaded from the rebuilt projections, then every beneficiary's list ranked again."""
    await memory.load(stores)
    rematcher = Rematcher(stores.projections, stores.lists, memory)
    for beneficiary_id in list(memory.beneficiaries.table.row_of):
        await rematcher.refresh(beneficiary_id)
