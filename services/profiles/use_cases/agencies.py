"""Agencies: registering one (operator), listing them, renaming one (operator or the agency's admin)."""

from __future__ import annotations

from services.contracts.events.profiles import AgencyKind
from services.profiles.adapters.agencies import Agencies
from services.profiles.domain import agency as rules
from services.profiles.domain.access import OperatorOrStaff
from services.profiles.use_cases.errors import NotFound


class AgencyService:
    def __init__(self, agencies: Agencies) -> None:
        self.agencies = agencies

    async def register(
        self, name: str, kind: AgencyKind, region_code: str, places_served: tuple[str, ...]
    ) -> rules.Agency:
        agency, event = rules.register(name, kind, region_code, places_served=places_served)
        await self.agencies.add(agency, event)
        return agency

    async def all(self) -> list[rules.Agency]:
        return await self.agencies.all()

    async def rename(self, agency_id: str, name: str, by: OperatorOrStaff) -> rules.Agency:
        current = await self.agencies.get(agency_id)
        if current is None or not by.administers(agency_id):
            raise NotFound("Cette agence n'existe pas ou vous ne l'administrez pas.", code="agency_not_found")
        renamed, event = rules.rename(current, name)
        await self.agencies.save(renamed, event)
        return renamed
