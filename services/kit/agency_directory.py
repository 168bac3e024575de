"""The agencies (tenants) as every service needs to know them: a projection fed by profiles' events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyClosedV1, AgencyRegisteredV1, AgencyRenamedV1
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.projection import apply_if_newer


class AgencyDirectory:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database["agency_directory"]

    async def _apply(self, envelope: Envelope, fields: dict[str, Any]) -> None:
        await apply_if_newer(self.collection, envelope.aggregate_id, envelope.aggregate_version, fields)

    async def on_registered(self, envelope: Envelope, payload: AgencyRegisteredV1) -> None:
        await self._apply(
            envelope, {"name": payload.name, "kind": payload.kind.value, "region_code": payload.region_code}
        )

    async def on_renamed(self, envelope: Envelope, payload: AgencyRenamedV1) -> None:
        await self._apply(envelope, {"name": payload.name})

    async def on_closed(self, envelope: Envelope, payload: AgencyClosedV1) -> None:
        await self._apply(envelope, {"closed": True})

    def subscribe(self, router: EventRouter) -> EventRouter:
        return (
            router.on("profiles.agency.registered", self.on_registered)
            .on("profiles.agency.renamed", self.on_renamed)
            .on("profiles.agency.closed", self.on_closed)
        )

    async def all(self, include_closed: bool = False) -> list[Document]:
        """The agencies by name; a closed agency only when asked for (what its people belonged to)."""
        known = (
            await self.collection.find(
                {}, {"_id": 1, "name": 1, "kind": 1, "region_code": 1, "version": 1, "closed": 1}
            )
            .sort("name", 1)
            .to_list()
        )
        return [d for d in known if include_closed or not d.get("closed")]

    async def name_of(self, agency_id: str) -> str:
        """The agency's name; empty while its registration has not arrived."""
        found = await self.collection.find_one({"_id": agency_id}, {"name": 1})
        return str(found.get("name", "")) if found else ""
