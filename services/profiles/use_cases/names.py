"""The names of the people a staff member's notifications are about, for the notifications service, which
keeps only their ids and asks when it shows them: beneficiaries by full name, peers by first name and
kind, and only those this staff member may see (their agency's beneficiaries; the peers their agency
sees). Nothing for a closed account or a regional coordinator (who sees counts, not people), nothing of
an erased person."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.contracts.events.profiles import StaffRole
from services.profiles.adapters.agencies import Agencies
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.adapters.peers import Peers
from services.profiles.adapters.staff import StaffAccounts
from services.profiles.domain.peer import visible_to

AGENCY_ROLES = frozenset({StaffRole.COUNSELLOR, StaffRole.VALIDATOR, StaffRole.AGENCY_ADMIN})


@dataclass(frozen=True)
class SeenNames:
    beneficiaries: dict[str, str] = field(default_factory=dict)
    peers: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (first name, kind)


class NameService:
    def __init__(self, accounts: StaffAccounts, agencies: Agencies, beneficiaries: Beneficiaries, peers: Peers) -> None:
        self.accounts, self.agencies, self.beneficiaries, self.peers = accounts, agencies, beneficiaries, peers

    async def seen_by(self, staff_id: str, beneficiary_ids: list[str], peer_ids: list[str]) -> SeenNames:
        member = await self.accounts.get(staff_id)
        if member is None or not member.active or not AGENCY_ROLES.intersection(member.roles):
            return SeenNames()
        agency = await self.agencies.get(member.agency_id)
        region = agency.region_code if agency else ""
        beneficiaries = await self.beneficiaries.names(beneficiary_ids, member.agency_id) if beneficiary_ids else {}
        peers = await self.peers.among(peer_ids) if peer_ids else []
        return SeenNames(
            beneficiaries,
            {
                p.peer_id: (p.identity.first_name, p.kind.value)
                for p in peers
                if visible_to(p, member.agency_id, region)
            },
        )
