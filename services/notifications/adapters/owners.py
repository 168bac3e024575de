"""The services that own the contact points notifications uses, asked over their internal routes
(`services.kit.internal_api`): profiles for staff and peers, placements for a convention's parties,
matching for where and when a meeting is held. The
events only say that a contact point changed; what it is now comes from here (None once the person is
erased or unknown)."""

from __future__ import annotations

from typing import Any

from services.kit.internal_api import InternalClient

CALLER = "notifications"


class Owners:
    def __init__(
        self, profiles_urls: str, placements_urls: str, link_signing_key: str, matching_urls: str = ""
    ) -> None:
        self.profiles = InternalClient(profiles_urls, link_signing_key, CALLER)
        self.placements = InternalClient(placements_urls, link_signing_key, CALLER)
        self.matching = InternalClient(matching_urls, link_signing_key, CALLER)

    async def peer_contact(self, peer_id: str) -> dict[str, Any] | None:
        """`{peer_id, agency_id, version, name, email, phone}`."""
        return await self.profiles.get(f"/internal/peers/{peer_id}/contact")

    async def staff_contact(self, staff_id: str) -> dict[str, Any] | None:
        """`{staff_id, agency_id, version, name, email, roles, active}`."""
        return await self.profiles.get(f"/internal/staff/{staff_id}/contact")

    async def convention_contacts(self, convention_id: str) -> dict[str, Any] | None:
        """`{convention_id, agency_id, beneficiary_id, version, contacts: [{role, name, email, phone}]}`."""
        return await self.placements.get(f"/internal/conventions/{convention_id}/contacts")

    async def guardian(self, beneficiary_id: str, agency_id: str) -> dict[str, Any] | None:
        """`{beneficiary_id, name, email}`: a minor's legal representative, None for anyone else."""
        return await self.profiles.get(f"/internal/beneficiaries/{beneficiary_id}/guardian?agency_id={agency_id}")

    async def beneficiary_contact(self, beneficiary_id: str, agency_id: str) -> dict[str, Any] | None:
        """`{beneficiary_id, name, email}`: a beneficiary's own address (a gathering's invitation)."""
        return await self.profiles.get(f"/internal/beneficiaries/{beneficiary_id}/contact?agency_id={agency_id}")

    async def gathering(self, gathering_id: str) -> dict[str, Any] | None:
        """`{gathering_id, uid, sequence, status, kind, kind_label, title, starts_at, ends_at, when, town, address,
        job_labels}`: a forum's, fair's or open day's details, from matching."""
        return await self.matching.get(f"/internal/gatherings/{gathering_id}")

    async def meeting(self, introduction_id: str) -> dict[str, Any] | None:
        """`{introduction_id, uid, purpose, purpose_label, target_job_label, counsellor_present, appointments:
        [{sequence, status, starts_at, ends_at, venue, place, at_agency}]}`: where and when, from matching."""
        return await self.matching.get(f"/internal/introductions/{introduction_id}/meeting")

    async def names(self, staff_id: str, beneficiary_ids: list[str], peer_ids: list[str]) -> dict[str, Any]:
        """`{beneficiaries: {id: full name}, peers: {id: {first_name, kind}}}`: those of the ids this staff
        member may see, as profiles says (none once erased, none for a closed account)."""
        body = {"staff_id": staff_id, "beneficiary_ids": beneficiary_ids, "peer_ids": peer_ids}
        return await self.profiles.post("/internal/names", body) or {}

    async def close(self) -> None:
        await self.profiles.close()
        await self.placements.close()
        await self.matching.close()
