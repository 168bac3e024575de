"""The agency's own choice in placements: how it validates conventions (one step, or two)."""

from __future__ import annotations

from services.placements.adapters.projections import Projections
from services.placements.domain.lifecycle import Validation


class AgencySettings:
    def __init__(self, projections: Projections) -> None:
        self.projections = projections

    async def validation_of(self, agency_id: str) -> Validation:
        return await self.projections.validation_of(agency_id)

    async def choose(self, agency_id: str, validation: Validation, staff_id: str) -> None:
        await self.projections.set_validation(agency_id, validation, staff_id)
