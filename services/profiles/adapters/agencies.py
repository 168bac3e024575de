"""Agencies in the profiles database, written together with their events (outbox)."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyKind
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.profiles.domain.agency import TOPIC, Agency

COLLECTION = "agencies"


class AgencyRepository:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[COLLECTION]
        self.outbox = outbox

    async def add(self, agency: Agency, event: Envelope) -> None:
        document = {
            "_id": agency.agency_id,
            "name": agency.name,
            "kind": agency.kind.value,
            "region_code": agency.region_code,
            "version": agency.version,
            "places_served": list(agency.places_served),
        }
        await self.outbox.insert(self.collection, document, [(event, TOPIC)])

    async def save(self, agency: Agency, event: Envelope) -> None:
        await self.outbox.update(
            self.collection, agency.agency_id, agency.version - 1, {"name": agency.name}, [(event, TOPIC)]
        )

    async def get(self, agency_id: str) -> Agency | None:
        document = await self.collection.find_one({"_id": agency_id})
        return _to_agency(document) if document else None

    async def all(self) -> list[Agency]:
        return [_to_agency(d) async for d in self.collection.find({}, {"outbox": 0}).sort("name", 1)]


def _to_agency(document: Document) -> Agency:
    return Agency(
        document["_id"],
        document["name"],
        AgencyKind(document["kind"]),
        document["region_code"],
        document["version"],
        tuple(document.get("places_served", ())),
    )
