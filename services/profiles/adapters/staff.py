"""Staff accounts in the profiles database, written with their events (outbox)."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import StaffRole
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.profiles.domain.staff import StaffMember, normalize_email

COLLECTION = "staff"
TOPIC = "profiles.staff"


class StaffRepository:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[COLLECTION]
        self.outbox = outbox

    async def add(self, member: StaffMember, password_hash: str, event: Envelope) -> None:
        """Raises DuplicateKeyError when the e-mail is already taken."""
        document = {
            "_id": member.staff_id,
            "agency_id": member.agency_id,
            "email": member.email,
            "name": member.name,
            "roles": [r.value for r in member.roles],
            "active": member.active,
            "password_hash": password_hash,
            "version": member.version,
        }
        await self.outbox.insert(self.collection, document, [(event, TOPIC)])

    async def save(self, member: StaffMember, event: Envelope) -> None:
        await self.outbox.update(
            self.collection, member.staff_id, member.version - 1, {"active": member.active}, [(event, TOPIC)]
        )

    async def get(self, staff_id: str) -> StaffMember | None:
        document = await self.collection.find_one({"_id": staff_id})
        return _member(document) if document else None

    async def credentials(self, email: str) -> tuple[StaffMember, str] | None:
        document = await self.collection.find_one({"email": normalize_email(email)})
        return (_member(document), document["password_hash"]) if document else None

    async def of_agency(self, agency_id: str) -> list[StaffMember]:
        cursor = self.collection.find({"agency_id": agency_id}, {"outbox": 0, "password_hash": 0}).sort("name", 1)
        return [_member(d) async for d in cursor]


def _member(document: Document) -> StaffMember:
    return StaffMember(
        document["_id"],
        document["agency_id"],
        document["email"],
        document["name"],
        tuple(StaffRole(r) for r in document["roles"]),
        document["active"],
        document["version"],
    )
