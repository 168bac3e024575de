"""Placements' event handlers, registered in one place: each translates an event into a projection's
update or a use case call."""

from __future__ import annotations

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import PersonErasedV1
from services.kit.messaging import EventRouter
from services.placements.adapters.projections import Projections
from services.placements.use_cases.erasure import Erasure


def subscribe(router: EventRouter, projections: Projections, erasure: Erasure) -> None:
    async def on_person_erased(envelope: Envelope, payload: PersonErasedV1) -> None:
        await erasure.person_erased(payload)

    (
        router.on("profiles.beneficiary.registered", projections.on_project)
        .on("profiles.beneficiary.project_changed", projections.on_project)
        .on("profiles.beneficiary.closed", projections.on_closed)
        .on("profiles.person.erased", on_person_erased)
    )
