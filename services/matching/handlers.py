"""Matching's event handlers: they only translate an event into a projection write or a use-case call.
`subscribe` registers the consumer group's (the router keeps the order: the projections first, then
the lists that read them, then the introductions' erasure); `MemoryUpdates` is what every instance's
memory follower does with a change made by any instance (memory only, never the database or Kafka)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.contracts.envelope import Envelope
from services.contracts.events.matching import SuggestionDismissedV1, SuggestionListRankedV1
from services.contracts.events.profiles import (
    AgencyRegisteredV1,
    BeneficiaryClosedV1,
    BeneficiaryProjectV1,
    PeerCardV1,
    PeerPausedV1,
    PeerWithdrawnV1,
    PersonErasedV1,
    PersonKind,
)
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.matching.adapters.projections import FOREVER, Projections, beneficiary_view, peer_view, suggestible
from services.matching.memory import Memory
from services.matching.use_cases.erasure import Erasure
from services.matching.use_cases.gatherings import GatheringService
from services.matching.use_cases.peer_records import PeerRecords
from services.matching.use_cases.rematching import Rematcher

BENEFICIARY_CHANGES = (
    "profiles.beneficiary.registered",
    "profiles.beneficiary.project_changed",
    "profiles.beneficiary.closed",
)
PEER_CARD_CHANGES = ("profiles.peer.published", "profiles.peer.updated", "profiles.peer.paused")
# the introduction steps that change a peer's bookings or reliability (a reminder changes neither)
CHANGES_A_PEERS_HISTORY = frozenset(
    f"matching.introduction.{step}"
    for step in (
        "prepared",
        "proposed",
        "beneficiary_declined",
        "answered",
        "expired",
        "cancelled",
        "meeting_recorded",
        "feedback_given",
    )
)


def subscribe_projections(router: EventRouter, projections: Projections) -> None:
    """Profiles' events into matching's copies of peers and beneficiaries (also the rebuild's replay)."""
    (
        router.on("profiles.peer.published", projections.on_peer_card)
        .on("profiles.peer.updated", projections.on_peer_card)
        .on("profiles.peer.paused", projections.on_peer_paused)
        .on("profiles.peer.withdrawn", projections.on_peer_withdrawn)
        .on("profiles.beneficiary.registered", projections.on_project)
        .on("profiles.beneficiary.project_changed", projections.on_project)
        .on("profiles.beneficiary.closed", projections.on_beneficiary_closed)
        .on("profiles.person.erased", projections.on_erased)
    )


def subscribe(
    router: EventRouter, projections: Projections, rematcher: Rematcher, erasure: Erasure, memory: Memory
) -> None:
    subscribe_projections(router, projections)

    async def on_agency(envelope: Envelope, payload: AgencyRegisteredV1) -> None:
        memory.regions[payload.agency_id] = payload.region_code

    async def on_beneficiary(envelope: Envelope, payload: object) -> None:
        await rematcher.refresh(envelope.aggregate_id)

    async def on_peer_card(envelope: Envelope, payload: object) -> None:
        await rematcher.peer_changed(envelope.aggregate_id)

    async def on_peer_withdrawn(envelope: Envelope, payload: PeerWithdrawnV1) -> None:
        await rematcher.peer_gone(envelope.aggregate_id, envelope.aggregate_version)

    async def on_erased(envelope: Envelope, payload: PersonErasedV1) -> None:
        if payload.person_kind == PersonKind.PEER:
            await rematcher.peer_gone(payload.person_id, FOREVER)
        else:
            await rematcher.refresh(payload.person_id)  # the beneficiary's own list empties

    async def on_erased_introductions(envelope: Envelope, payload: PersonErasedV1) -> None:
        await erasure.scrub(payload.person_id)

    router.on("profiles.agency.registered", on_agency)
    for event_type in BENEFICIARY_CHANGES:
        router.on(event_type, on_beneficiary)
    for event_type in PEER_CARD_CHANGES:
        router.on(event_type, on_peer_card)
    router.on("profiles.peer.withdrawn", on_peer_withdrawn)
    router.on("profiles.person.erased", on_erased)
    router.on("profiles.person.erased", on_erased_introductions)


def subscribe_gatherings(router: EventRouter, gatherings: GatheringService) -> None:
    """An erased beneficiary or peer leaves no invitation, registration or witness entry in any gathering."""

    async def on_erased(envelope: Envelope, payload: PersonErasedV1) -> None:
        await gatherings.erase(payload.person_id)

    router.on("profiles.person.erased", on_erased, late=True)


class MemoryUpdates:
    """A change made by any instance, into this instance's memory: guarded by the version it describes,
    or a count from the database (a peer's record), so that seeing it twice is harmless."""

    def __init__(self, memory: Memory, records: PeerRecords) -> None:
        self.memory = memory
        self.records = records

    async def apply(self, envelope: Envelope, payload: Any) -> None:
        memory, version = self.memory, envelope.aggregate_version
        if isinstance(payload, AgencyRegisteredV1):
            memory.regions[payload.agency_id] = payload.region_code
        elif isinstance(payload, PeerCardV1):
            projected = _projected(payload.peer_id, payload)
            if suggestible(projected):
                memory.put_peer(peer_view(projected), version)
            else:  # the charter in force is not accepted (yet, or any more)
                memory.remove_peer(payload.peer_id, version)
        elif isinstance(payload, PeerPausedV1):
            known = memory.peer(payload.peer_id)
            if known is not None:
                memory.put_peer(replace(known, paused=payload.paused), version)
        elif isinstance(payload, PeerWithdrawnV1):
            memory.remove_peer(payload.peer_id, version)
        elif isinstance(payload, BeneficiaryProjectV1):
            region = memory.regions.get(payload.agency_id, "")
            memory.put_beneficiary(beneficiary_view(_projected(payload.beneficiary_id, payload), region), version)
        elif isinstance(payload, BeneficiaryClosedV1):
            memory.remove_beneficiary(payload.beneficiary_id, version)
        elif isinstance(payload, PersonErasedV1):
            if payload.person_kind == PersonKind.PEER:
                memory.remove_peer(payload.person_id, FOREVER)
            else:
                memory.remove_beneficiary(payload.person_id, FOREVER)
        elif isinstance(payload, SuggestionListRankedV1):
            memory.set_list(payload.beneficiary_id, tuple(payload.peers), payload.threshold, version)
        elif isinstance(payload, SuggestionDismissedV1):
            memory.dismiss(payload.beneficiary_id, payload.peer_id)
        elif envelope.event_type in CHANGES_A_PEERS_HISTORY:
            await self.records.follow(str(payload.peer_id))


def _projected(aggregate_id: str, payload: PeerCardV1 | BeneficiaryProjectV1) -> Document:
    """The projection's document for an event of a card or a project (see `Projections`)."""
    return {**payload.model_dump(mode="json"), "_id": aggregate_id, "active": True}
