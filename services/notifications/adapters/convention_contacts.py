"""A convention's parties (`convention_contacts`), kept from placements' events: each role's name and
address, and the latest secure link each role was issued (its id and expiry), with the beneficiary's id
(an erasure finds their conventions by it) and the agency."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.notifications.domain.contacts import Contact, PartyLink, party_key

CONVENTION_CONTACTS = "convention_contacts"


class ConventionContacts:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.conventions = database[CONVENTION_CONTACTS]

    async def known(self, convention_id: str, agency_id: str | None, fields: dict[str, Any]) -> None:
        """The convention, created empty the first time one of its events comes, with `fields` set."""
        found = await self.conventions.find_one({"_id": convention_id}, {"_id": 1})
        if found is None:
            await self.conventions.update_one(
                {"_id": convention_id},
                {"$set": {**fields, "agency_id": agency_id, "contacts": {}, "links": {}}},
                upsert=True,
            )
        elif fields:
            await self.conventions.update_one({"_id": convention_id}, {"$set": fields})

    async def parties(self, convention_id: str, contacts: dict[str, dict[str, str]]) -> None:
        """Every role's contact, replacing what was there: `{role: {name, email}}`."""
        await self.conventions.update_one({"_id": convention_id}, {"$set": {"contacts": contacts}})

    async def link(self, convention_id: str, role: str, link: PartyLink) -> None:
        stored = {"link_id": link.link_id, "expires_at": link.expires_at}
        await self.conventions.update_one({"_id": convention_id}, {"$set": {f"links.{role}": stored}})

    async def forget_roles(self, beneficiary_id: str, roles: tuple[str, ...]) -> list[str]:
        """These roles' contacts in every convention of the beneficiary; the ids of those conventions."""
        found = []
        async for convention in self.conventions.find({"beneficiary_id": beneficiary_id}, {"_id": 1}):
            await self.conventions.update_one(
                {"_id": convention["_id"]}, {"$unset": {f"contacts.{role}": "" for role in roles}}
            )
            found.append(str(convention["_id"]))
        return found

    async def party(self, convention_id: str, role: str) -> tuple[Contact | None, PartyLink | None]:
        """The party's contact and their latest link, if any (the convention unknown yet: neither)."""
        found = await self.conventions.find_one({"_id": convention_id})
        if found is None:
            return None, None
        contact = found.get("contacts", {}).get(role)
        person = Contact(party_key(convention_id, role), contact["name"], contact["email"]) if contact else None
        link = found.get("links", {}).get(role)
        return person, PartyLink(link["link_id"], link["expires_at"]) if link else None
