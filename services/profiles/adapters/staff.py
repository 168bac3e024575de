"""Staff accounts in the profiles database (the `staff` collection), written with their events (outbox)."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import StaffRole
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.profiles.adapters.events import on_their_topics
from services.profiles.domain.staff import StaffMember, normalize_email

COLLECTION = "staff"


def to_document(member: StaffMember, password_hash: str) -> Document:
    return {
        "_id": member.staff_id,
        "agency_id": member.agency_id,
        "email": member.email,
        "name": member.name,
        "roles": [r.value for r in member.roles],
        "active": member.active,
        "password_hash": password_hash,
        "version": member.version,
    }


def from_document(document: Document) -> StaffMember:
    return StaffMember(
        document["_id"],
        document["agency_id"],
        document["email"],
        document["name"],
        tuple(StaffRole(r) for r in document["roles"]),
        document["active"],
        document["version"],
    )


class StaffAccounts:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[COLLECTION]
        self.outbox = outbox

    async def add(self, member: StaffMember, password_hash: str, events: list[Envelope]) -> None:
        """Raises DuplicateKeyError when the e-mail is already taken."""
        await self.outbox.insert(self.collection, to_document(member, password_hash), on_their_topics(events))

    async def save(self, member: StaffMember, events: list[Envelope]) -> None:
        """Only whether it is active changes; ConcurrentUpdate when it changed since it was read."""
        await self.outbox.update(
            self.collection, member.staff_id, member.version - 1, {"active": member.active}, on_their_topics(events)
        )

    async def get(self, staff_id: str) -> StaffMember | None:
        document = await self.collection.find_one({"_id": staff_id})
        return from_document(document) if document else None

    async def closed(self, staff_id: str) -> bool:
        return await self.collection.find_one({"_id": staff_id, "active": False}, {"_id": 1}) is not None

    async def credentials(self, email: str) -> tuple[StaffMember, str] | None:
        """The account signing in with this e-mail, and its password hash."""
        document = await self.collection.find_one({"email": normalize_email(email)})
        return (from_document(document), document["password_hash"]) if document else None

    async def of_agency(self, agency_id: str) -> list[StaffMember]:
        cursor = self.collection.find({"agency_id": agency_id}, {"outbox": 0, "password_hash": 0}).sort("name", 1)
        return [from_document(d) async for d in cursor]
