"""The contact points notifications may use, and nothing else of anyone: staff (from profiles), peers
(from profiles' contact events), a convention's parties and their latest links (from placements). An
erasure deletes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.placements import ContactsChangedV1, LinkIssuedV1
from services.contracts.events.profiles import (
    PeerContactV1,
    PersonErasedV1,
    PersonKind,
    StaffDeactivatedV1,
    StaffRegisteredV1,
)
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.projection import apply_if_newer

STAFF = "staff_contacts"
PEERS = "peer_contacts"
CONVENTIONS = "convention_contacts"
FOREVER = 2**31 - 1


class MissingContact(Exception):
    """The contact point has not arrived yet (events of other topics come in their own time): the consumer
    tries again, then dead-letters the event with this reason, to be replayed."""


@dataclass(frozen=True)
class Contact:
    key: str  # who, for deduplication: staff:<id>, peer:<id>, party:<convention>:<role>
    name: str
    email: str
    staff_id: str = ""  # staff only: their inbox


class Directory:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.staff = database[STAFF]
        self.peers = database[PEERS]
        self.conventions = database[CONVENTIONS]

    def subscribe(self, router: EventRouter) -> Directory:
        (
            router.on("profiles.staff.registered", self.on_staff)
            .on("profiles.staff.deactivated", self.on_staff_deactivated)
            .on("profiles.peer.contact_changed", self.on_peer_contact)
            .on("placements.convention.contacts_changed", self.on_parties)
            .on("placements.convention.link_issued", self.on_link)
        )
        return self

    async def on_staff(self, envelope: Envelope, payload: StaffRegisteredV1) -> None:
        fields = {
            "agency_id": payload.agency_id,
            "name": payload.name,
            "email": payload.email,
            "roles": [r.value for r in payload.roles],
            "active": True,
        }
        await apply_if_newer(self.staff, payload.staff_id, envelope.aggregate_version, fields)

    async def on_staff_deactivated(self, envelope: Envelope, payload: StaffDeactivatedV1) -> None:
        await apply_if_newer(self.staff, payload.staff_id, envelope.aggregate_version, {"active": False})

    async def on_peer_contact(self, envelope: Envelope, payload: PeerContactV1) -> None:
        fields = {"agency_id": payload.agency_id, "name": payload.name, "email": payload.email}
        await apply_if_newer(self.peers, payload.peer_id, envelope.aggregate_version, fields)

    async def on_parties(self, envelope: Envelope, payload: ContactsChangedV1) -> None:
        contacts = {c.role.value: {"name": c.name, "email": c.email} for c in payload.contacts}
        await self._convention(envelope, payload.convention_id, {"beneficiary_id": payload.beneficiary_id})
        await self.conventions.update_one({"_id": payload.convention_id}, {"$set": {"contacts": contacts}})

    async def on_link(self, envelope: Envelope, payload: LinkIssuedV1) -> None:
        await self._convention(envelope, payload.convention_id, {})
        link = {"link_id": payload.link_id, "expires_at": payload.expires_at.isoformat()}
        await self.conventions.update_one({"_id": payload.convention_id}, {"$set": {f"links.{payload.role}": link}})

    async def _convention(self, envelope: Envelope, convention_id: str, fields: dict[str, Any]) -> None:
        found = await self.conventions.find_one({"_id": convention_id}, {"_id": 1})
        if found is None:
            await self.conventions.update_one(
                {"_id": convention_id},
                {"$set": {**fields, "agency_id": envelope.tenant_id, "contacts": {}, "links": {}}},
                upsert=True,
            )
        elif fields:
            await self.conventions.update_one({"_id": convention_id}, {"$set": fields})

    async def forget(self, payload: PersonErasedV1) -> list[str]:
        """Deletes the person's contact points; returns the recipient keys they were known by."""
        if payload.person_kind is PersonKind.PEER:
            tombstone = {"_id": payload.person_id, "erased": True, "version": FOREVER}
            await self.peers.replace_one({"_id": payload.person_id}, tombstone, upsert=True)
            return [f"peer:{payload.person_id}"]
        keys = []
        async for convention in self.conventions.find({"beneficiary_id": payload.person_id}, {"_id": 1}):
            await self.conventions.update_one(
                {"_id": convention["_id"]},
                {"$unset": {"contacts.beneficiary": "", "contacts.legal_representative": ""}},
            )
            keys += [f"party:{convention['_id']}:{role}" for role in ("beneficiary", "legal_representative")]
        return keys

    # -- reading --------------------------------------------------------------------------------------

    async def staff_member(self, staff_id: str) -> Contact | None:
        """None for a closed account (it hears nothing)."""
        found = await self.staff.find_one({"_id": staff_id})
        if found is None:
            raise MissingContact(f"no contact yet for staff member {staff_id}")
        if not found.get("active"):
            return None
        return Contact(f"staff:{staff_id}", found["name"], found["email"], staff_id)

    async def validators(self, agency_id: str) -> list[Contact]:
        found = await self.staff.find({"agency_id": agency_id, "active": True}).to_list()
        return [
            Contact(f"staff:{d['_id']}", d["name"], d["email"], d["_id"]) for d in found if "validator" in d["roles"]
        ]

    async def peer(self, peer_id: str) -> Contact | None:
        """None for an erased peer (nothing goes to them any more)."""
        found = await self.peers.find_one({"_id": peer_id})
        if found is None:
            raise MissingContact(f"no contact yet for peer {peer_id}")
        if found.get("erased") or not found.get("email"):
            return None
        return Contact(f"peer:{peer_id}", found["name"], found["email"])

    async def party(self, convention_id: str, role: str) -> tuple[Contact | None, Document | None]:
        """The party's contact and their latest link (id, expiry), if any."""
        found = await self.conventions.find_one({"_id": convention_id})
        if found is None:
            return None, None
        contact = found.get("contacts", {}).get(role)
        person = Contact(f"party:{convention_id}:{role}", contact["name"], contact["email"]) if contact else None
        return person, found.get("links", {}).get(role)
