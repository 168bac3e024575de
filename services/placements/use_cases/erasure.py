"""A beneficiary erased in profiles: their open conventions are cancelled, and every convention loses
their name, contacts, legal representative and the assessment's words; the host, the dates and the
codes stay, for the legal limits and the statistics."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.events.profiles import PersonErasedV1, PersonKind
from services.placements.adapters.conventions import Conventions
from services.placements.adapters.projections import Projections
from services.placements.domain.commands import Erase
from services.placements.domain.convention import PLATFORM
from services.placements.use_cases.conventions import ConventionService


class Erasure:
    def __init__(self, conventions: Conventions, projections: Projections, service: ConventionService) -> None:
        self.conventions = conventions
        self.projections = projections
        self.service = service  # decides with the facts every step reads

    async def person_erased(self, payload: PersonErasedV1) -> None:
        """Placements forgets the person; a beneficiary's conventions are erased."""
        await self.projections.forget(payload)
        if payload.person_kind == PersonKind.BENEFICIARY:
            await self.erase_beneficiary(payload.person_id)

    async def erase_beneficiary(self, beneficiary_id: str) -> None:
        """Each of their conventions in one write: the cancellation (if open), the scrubbing, and the new
        contact points in place of any pending ones, which hold the contacts being erased."""
        now = datetime.now(UTC)
        for convention in await self.conventions.of_beneficiary(beneficiary_id):
            if not convention.erased:
                erased, events = await self.service.decide(convention, Erase(), PLATFORM, now)
                await self.conventions.save_erased(erased, events)
