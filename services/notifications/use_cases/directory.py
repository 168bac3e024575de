"""The contact points notifications may use, and nothing else of anyone: staff (from profiles), peers
(from profiles' contact events), a convention's parties and their latest links (from placements). Kept
from those events, read by the dispatcher; an erasure deletes them. Since v2 the events no longer carry
the contact points: each says one changed, and the directory fetches it from its owner (`Owners`)."""

from __future__ import annotations

from typing import Any

from services.contracts.events.placements import ContactsChangedV1, ContactsChangedV2, LinkIssuedV1
from services.contracts.events.profiles import (
    PeerContactChangedV2,
    PeerContactV1,
    PersonErasedV1,
    PersonKind,
    StaffRegisteredV1,
    StaffRegisteredV2,
)
from services.notifications.adapters.convention_contacts import ConventionContacts
from services.notifications.adapters.owners import Owners
from services.notifications.adapters.peer_contacts import PeerContacts
from services.notifications.adapters.staff_contacts import StaffContacts
from services.notifications.domain.contacts import (
    PARTY_ROLES_ERASED_WITH_THE_BENEFICIARY,
    Contact,
    PartyLink,
    beneficiary_key,
    party_key,
    peer_key,
)


class Directory:
    def __init__(
        self, staff: StaffContacts, peers: PeerContacts, conventions: ConventionContacts, owners: Owners
    ) -> None:
        self.staff = staff
        self.peers = peers
        self.conventions = conventions
        self.owners = owners

    # -- kept from events (each applies a version once: a redelivered or late event changes nothing) ------

    async def staff_registered(self, payload: StaffRegisteredV1, version: int) -> None:
        roles = [r.value for r in payload.roles]
        await self.staff.registered(
            payload.staff_id, version, agency_id=payload.agency_id, name=payload.name, email=payload.email, roles=roles
        )

    async def staff_announced(self, payload: StaffRegisteredV2) -> None:
        """Fetched from profiles at its current version (an account profiles no longer knows: nothing)."""
        found = await self.owners.staff_contact(payload.staff_id)
        if found is None:
            return
        await self.staff.registered(
            payload.staff_id,
            found["version"],
            agency_id=found["agency_id"],
            name=found["name"],
            email=found["email"],
            roles=list(found["roles"]),
            active=bool(found["active"]),
        )

    async def staff_deactivated(self, staff_id: str, version: int) -> None:
        await self.staff.deactivated(staff_id, version)

    async def peer_contact_changed(self, payload: PeerContactV1, version: int) -> None:
        await self.peers.changed(
            payload.peer_id, version, agency_id=payload.agency_id, name=payload.name, email=payload.email
        )

    async def peer_contact_announced(self, payload: PeerContactChangedV2) -> None:
        """Fetched from profiles at its current version; an erased peer has none (their erasure event
        leaves the tombstone)."""
        found = await self.owners.peer_contact(payload.peer_id)
        if found is not None:
            await self.peers.changed(
                payload.peer_id,
                found["version"],
                agency_id=found["agency_id"],
                name=found["name"],
                email=found["email"],
            )

    async def parties_announced(self, payload: ContactsChangedV2, agency_id: str | None) -> None:
        """Fetched from placements as they are now (an erased beneficiary's are no longer given)."""
        found = await self.owners.convention_contacts(payload.convention_id)
        await self.conventions.known(payload.convention_id, agency_id, {"beneficiary_id": payload.beneficiary_id})
        contacts = {c["role"]: {"name": c["name"], "email": c["email"]} for c in (found or {}).get("contacts", [])}
        await self.conventions.parties(payload.convention_id, contacts)

    async def parties_changed(self, payload: ContactsChangedV1, agency_id: str | None) -> None:
        contacts = {c.role.value: {"name": c.name, "email": c.email} for c in payload.contacts}
        await self.conventions.known(payload.convention_id, agency_id, {"beneficiary_id": payload.beneficiary_id})
        await self.conventions.parties(payload.convention_id, contacts)

    async def link_issued(self, payload: LinkIssuedV1, agency_id: str | None) -> None:
        await self.conventions.known(payload.convention_id, agency_id, {})
        link = PartyLink(payload.link_id, payload.expires_at.isoformat())
        await self.conventions.link(payload.convention_id, payload.role, link)

    async def forget(self, payload: PersonErasedV1) -> list[str]:
        """Deletes the person's contact points; returns the recipient keys they were known by."""
        if payload.person_kind is PersonKind.PEER:
            await self.peers.erase(payload.person_id)
            return [peer_key(payload.person_id)]
        roles = PARTY_ROLES_ERASED_WITH_THE_BENEFICIARY
        conventions = await self.conventions.forget_roles(payload.person_id, roles)
        parties = [party_key(convention_id, role) for convention_id in conventions for role in roles]
        return [beneficiary_key(payload.person_id), *parties]

    # -- read by the dispatcher ------------------------------------------------------------------------

    async def staff_member(self, staff_id: str) -> Contact | None:
        """None for a closed account (it hears nothing); MissingContact before their registration came."""
        return await self.staff.member(staff_id)

    async def validators(self, agency_id: str) -> list[Contact]:
        return await self.staff.validators(agency_id)

    async def admins(self, agency_id: str) -> list[Contact]:
        return await self.staff.admins(agency_id)

    async def peer(self, peer_id: str) -> Contact | None:
        """None for an erased peer; MissingContact before their contact came."""
        return await self.peers.peer(peer_id)

    async def legal_representative(self, beneficiary_id: str, agency_id: str) -> Contact | None:
        """A minor's legal representative, asked of profiles when a meeting's invitation is sent (kept
        nowhere here: their erasure leaves nothing to forget but the e-mails, deleted by `about`)."""
        found = await self.owners.guardian(beneficiary_id, agency_id)
        if found is None:
            return None
        return Contact(f"guardian:{beneficiary_id}", str(found["name"]), str(found["email"]))

    async def beneficiary(self, beneficiary_id: str, agency_id: str) -> Contact | None:
        """A beneficiary's own address, asked of profiles when a gathering's e-mail is written (kept nowhere
        here); None without one, or once erased."""
        found = await self.owners.beneficiary_contact(beneficiary_id, agency_id)
        if found is None:
            return None
        return Contact(beneficiary_key(beneficiary_id), str(found["name"]), str(found["email"]))

    async def gathering(self, gathering_id: str) -> dict[str, Any] | None:
        """What, when and where a gathering is, asked of matching."""
        return await self.owners.gathering(gathering_id)

    async def meeting(self, introduction_id: str) -> dict[str, Any] | None:
        """Where and when an introduction's meeting is held, asked of matching (None once it is gone)."""
        return await self.owners.meeting(introduction_id)

    async def party(self, convention_id: str, role: str) -> tuple[Contact | None, PartyLink | None]:
        return await self.conventions.party(convention_id, role)
