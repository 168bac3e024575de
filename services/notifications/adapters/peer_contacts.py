"""Peers' contact points (`peer_contacts`), kept from profiles' contact events: agency, name, address. An
erased peer leaves a tombstone at the highest version, so that a late event brings nothing back."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.kit.projection import apply_if_newer
from services.notifications.domain.contacts import Contact, MissingContact, peer_key

PEER_CONTACTS = "peer_contacts"
FOREVER = 2**31 - 1


class PeerContacts:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.peers = database[PEER_CONTACTS]

    async def changed(self, peer_id: str, version: int, *, agency_id: str, name: str, email: str) -> None:
        await apply_if_newer(self.peers, peer_id, version, {"agency_id": agency_id, "name": name, "email": email})

    async def erase(self, peer_id: str) -> None:
        tombstone = {"_id": peer_id, "erased": True, "version": FOREVER}
        await self.peers.replace_one({"_id": peer_id}, tombstone, upsert=True)

    async def peer(self, peer_id: str) -> Contact | None:
        """None for an erased peer (nothing goes to them any more)."""
        found = await self.peers.find_one({"_id": peer_id})
        if found is None:
            raise MissingContact(f"no contact yet for peer {peer_id}")
        if found.get("erased") or not found.get("email"):
            return None
        return Contact(peer_key(peer_id), found["name"], found["email"])
