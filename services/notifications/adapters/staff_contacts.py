"""Staff members' contact points (`staff_contacts`), kept from profiles' events: agency, name, address,
roles, whether the account is open. Nothing else of them."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.kit.projection import apply_if_newer
from services.notifications.domain.contacts import Contact, MissingContact, staff_key

STAFF_CONTACTS = "staff_contacts"


def contact_of(d: Document) -> Contact:
    return Contact(staff_key(d["_id"]), d["name"], d["email"], d["_id"])


class StaffContacts:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.staff = database[STAFF_CONTACTS]

    async def registered(
        self,
        staff_id: str,
        version: int,
        *,
        agency_id: str,
        name: str,
        email: str,
        roles: list[str],
        active: bool = True,
    ) -> None:
        fields = {"agency_id": agency_id, "name": name, "email": email, "roles": roles, "active": active}
        await apply_if_newer(self.staff, staff_id, version, fields)

    async def deactivated(self, staff_id: str, version: int) -> None:
        await apply_if_newer(self.staff, staff_id, version, {"active": False})

    async def member(self, staff_id: str) -> Contact | None:
        """None for a closed account (it hears nothing)."""
        found = await self.staff.find_one({"_id": staff_id})
        if found is None:
            raise MissingContact(f"no contact yet for staff member {staff_id}")
        if not found.get("active"):
            return None
        return contact_of(found)

    async def admins(self, agency_id: str) -> list[Contact]:
        """The agency's open accounts with the agency_admin role (by the `agency` index)."""
        found = await self.staff.find({"agency_id": agency_id, "active": True}).to_list()
        return [contact_of(d) for d in found if "agency_admin" in d["roles"]]

    async def validators(self, agency_id: str) -> list[Contact]:
        """The agency's open accounts with the validator role (by the `agency` index)."""
        found = await self.staff.find({"agency_id": agency_id, "active": True}).to_list()
        return [contact_of(d) for d in found if "validator" in d["roles"]]
