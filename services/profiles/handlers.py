"""Profiles' Kafka event handlers: each translates an event into a use-case call."""

from __future__ import annotations

from services.contracts.envelope import Envelope
from services.contracts.events.placements import ConventionAssessedV1
from services.kit.messaging import EventRouter
from services.profiles.use_cases.lived_paths import LivedPathService


def subscribe(router: EventRouter, lived_paths: LivedPathService) -> None:
    async def on_immersion_assessed(envelope: Envelope, payload: ConventionAssessedV1) -> None:
        await lived_paths.record_immersion(payload)

    router.on("placements.convention.assessed", on_immersion_assessed)
