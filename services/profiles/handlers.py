"""Profiles' Kafka event handlers: each translates an event into a use-case call."""

from __future__ import annotations

from services.contracts.envelope import Envelope
from services.contracts.events.matching import ConcernReportedV1, ConcernReviewedV1
from services.contracts.events.placements import ConventionAssessedV1
from services.contracts.events.profiles import PersonErasedV1, PersonKind
from services.kit.messaging import EventRouter
from services.profiles.use_cases.lived_paths import LivedPathService
from services.profiles.use_cases.peers import PeerService
from services.profiles.use_cases.testimonies import TestimonyService


def subscribe(
    router: EventRouter, lived_paths: LivedPathService, peers: PeerService, testimonies: TestimonyService
) -> None:
    async def on_immersion_assessed(envelope: Envelope, payload: ConventionAssessedV1) -> None:
        await lived_paths.record_immersion(payload)

    async def on_concern_reported(envelope: Envelope, payload: ConcernReportedV1) -> None:
        await peers.hold_for_review(payload.peer_id, paused=True)  # until the agency reviews it

    async def on_concern_reviewed(envelope: Envelope, payload: ConcernReviewedV1) -> None:
        if payload.resume_peer:
            await peers.hold_for_review(payload.peer_id, paused=False)

    async def on_person_erased(envelope: Envelope, payload: PersonErasedV1) -> None:
        """Profiles hears its own erasures: a peer's testimonies go (files, chunks, subtitles, shares), as do
        the share links given to a beneficiary. `TestimonyService.sweep` is the safety net."""
        if payload.person_kind is PersonKind.PEER:
            await testimonies.forget_peer(payload.person_id)
        else:
            await testimonies.forget_beneficiary(payload.person_id)

    router.on("placements.convention.assessed", on_immersion_assessed)
    router.on("profiles.person.erased", on_person_erased)
    router.on("matching.introduction.concern_reported", on_concern_reported)
    router.on("matching.introduction.concern_reviewed", on_concern_reviewed)
