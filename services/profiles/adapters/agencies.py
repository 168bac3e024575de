"""Agencies in the profiles database, written together with their events (outbox)."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyKind
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.profiles.adapters.events import on_their_topics
from services.profiles.domain.agency import Agency

COLLECTION = "agencies"


def to_document(agency: Agency) -> Document:
    return {
        "_id": agency.agency_id,
        "name": agency.name,
        "kind": agency.kind.value,
        "region_code": agency.region_code,
        "version": agency.version,
        "places_served": list(agency.places_served),
    }


def from_document(document: Document) -> Agency:
    return Agency(
        document["_id"],
        document["name"],
        AgencyKind(document["kind"]),
        document["region_code"],
        document["version"],
        tuple(document.get("places_served", ())),
    )


class Agencies:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[COLLECTION]
        self.outbox = outbox

    async def add(self, agency: Agency, event: Envelope) -> None:
        await self.outbox.insert(self.collection, to_document(agency), on_their_topics([event]))

    async def save(self, agency: Agency, event: Envelope) -> None:
        """Only the name changes; ConcurrentUpdate when the agency changed since it was read."""
        await self.outbox.update(
            self.collection, agency.agency_id, agency.version - 1, {"name": agency.name}, on_their_topics([event])
        )

    async def get(self, agency_id: str) -> Agency | None:
        document = await self.collection.find_one({"_id": agency_id})
        return from_document(document) if document else None

    async def all(self) -> list[Agency]:
        return [from_document(d) async for d in self.collection.find({}, {"outbox": 0}).sort("name", 1)]
