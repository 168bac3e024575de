"""Agencies in the profiles database, written together with their events (outbox)."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyKind
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.profiles.adapters.events import on_their_topics
from services.profiles.domain.agency import Agency, AgencyStatus

COLLECTION = "agencies"


def to_document(agency: Agency) -> Document:
    return {
        "_id": agency.agency_id,
        "name": agency.name,
        "kind": agency.kind.value,
        "region_code": agency.region_code,
        "version": agency.version,
        "places_served": list(agency.places_served),
        "status": agency.status.value,
        "name_key": agency.name_key,  # unique among the region's open agencies (indexes.py)
    }


def from_document(document: Document) -> Agency:
    return Agency(
        document["_id"],
        document["name"],
        AgencyKind(document["kind"]),
        document["region_code"],
        document["version"],
        tuple(document.get("places_served", ())),
        AgencyStatus(document.get("status", AgencyStatus.OPEN.value)),
    )


class Agencies:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[COLLECTION]
        self.outbox = outbox

    async def add(self, agency: Agency, event: Envelope) -> None:
        """TakenByAnother when an open agency of the region has the same name (or the id is taken)."""
        await self.outbox.insert(self.collection, to_document(agency), on_their_topics([event]))

    async def save(self, agency: Agency, events: Envelope | list[Envelope]) -> None:
        """The name and the status change; ConcurrentUpdate when the agency changed since it was read,
        TakenByAnother when the new name is an open agency's of the region."""
        changes = {"name": agency.name, "name_key": agency.name_key, "status": agency.status.value}
        listed = events if isinstance(events, list) else [events]
        await self.outbox.update(
            self.collection, agency.agency_id, agency.version - 1, changes, on_their_topics(listed)
        )

    async def get(self, agency_id: str) -> Agency | None:
        document = await self.collection.find_one({"_id": agency_id})
        return from_document(document) if document else None

    async def all(self) -> list[Agency]:
        """Every agency, closed ones included (what their people belonged to)."""
        return [from_document(d) async for d in self.collection.find({}, {"outbox": 0}).sort("name", 1)]

    async def open(self) -> list[Agency]:
        return [a for a in await self.all() if a.open]

    async def fill_name_keys(self) -> int:
        """Agencies stored before names were unique get their key (start-up; a no-op once done)."""
        filled = 0
        async for document in self.collection.find({"name_key": {"$exists": False}}, {"outbox": 0}):
            agency = from_document(document)
            try:
                done = await self.collection.update_one(
                    {"_id": agency.agency_id, "name_key": {"$exists": False}}, {"$set": {"name_key": agency.name_key}}
                )
            except DuplicateKeyError:  # two open agencies of a region already shared a name: left to the operator
                continue
            filled += done.modified_count
        return filled
