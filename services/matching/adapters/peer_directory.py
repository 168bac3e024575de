"""The peers' contact points, asked of their owner (profiles) over its internal route
(`services.kit.internal_api`) when the beneficiary's counsellor opens an introduction whose peer chose to
be reached by e-mail or phone, and the names a gathering's lists show: matching keeps none of them, and
none travels on the topics."""

from __future__ import annotations

from typing import Any

from services.kit.internal_api import InternalClient

CALLER = "matching"


class PeerDirectory:
    def __init__(self, profiles_urls: str, link_signing_key: str) -> None:
        self.profiles = InternalClient(profiles_urls, link_signing_key, CALLER, timeout=5.0)

    async def contact(self, peer_id: str) -> dict[str, Any] | None:
        """`{peer_id, agency_id, version, name, email, phone, first_name, kind}`; None once erased."""
        return await self.profiles.get(f"/internal/peers/{peer_id}/contact")

    async def names(self, staff_id: str, beneficiary_ids: list[str], peer_ids: list[str]) -> dict[str, Any]:
        """`{beneficiaries: {id: full name}, peers: {id: {first_name, kind}}}`, of those this staff member may
        see as profiles says (a gathering's lists show them; matching keeps no name)."""
        body = {"staff_id": staff_id, "beneficiary_ids": beneficiary_ids, "peer_ids": peer_ids}
        return await self.profiles.post("/internal/names", body) or {}

    async def close(self) -> None:
        await self.profiles.close()
