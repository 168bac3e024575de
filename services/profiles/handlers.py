"""Profiles' Kafka event handlers: each translates an event into a use-case call."""

from __future__ import annotations

from services.contracts.envelope import Envelope
from services.contracts.events.matching import ConcernReportedV1, ConcernReviewedV1
from services.contracts.events.placements import ConventionAssessedV1
from services.kit.messaging import EventRouter
from services.profiles.use_cases.lived_paths import LivedPathService
from services.profiles.use_cases.peers import PeerService


def subscribe(router: EventRouter, lived_paths: LivedPathService, peers: PeerService) -> None:
    async def on_immersion_assessed(envelope: Envelope, payload: ConventionAssessedV1) -> None:
        await lived_paths.record_immersion(payload)

    async def on_concern_reported(envelope: Envelope, payload: ConcernReportedV1) -> None:
        await peers.hold_for_review(payload.peer_id, paused=True)  # until the agency reviews it

    async def on_concern_reviewed(envelope: Envelope, payload: ConcernReviewedV1) -> None:
        if payload.resume_peer:
            await peers.hold_for_review(payload.peer_id, paused=False)

    router.on("placements.convention.assessed", on_immersion_assessed)
    router.on("matching.introduction.concern_reported", on_concern_reported)
    router.on("matching.introduction.concern_reviewed", on_concern_reviewed)
