"""Beneficiaries, private to their agency: registering one, the agency's list, changing and closing one,
and the counts regional coordinators see instead of names."""

from __future__ import annotations

from services.contracts.events.profiles import ClosingOutcome
from services.kit.identity import Caller, Role
from services.kit.mongo import Document
from services.profiles.adapters.agencies import Agencies
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.adapters.staff import StaffAccounts
from services.profiles.domain import beneficiary as rules
from services.profiles.domain import beneficiary_lifecycle as lifecycle
from services.profiles.domain.access import Actor
from services.profiles.use_cases.errors import Clock, NotFound, utc_now


class BeneficiaryService:
    def __init__(
        self, beneficiaries: Beneficiaries, accounts: StaffAccounts, agencies: Agencies, clock: Clock = utc_now
    ) -> None:
        self.beneficiaries, self.accounts, self.agencies, self.clock = beneficiaries, accounts, agencies, clock

    async def guardian(self, beneficiary_id: str, agency_id: str) -> rules.Guardian | None:
        """For the notifications service: a minor's legal representative, who receives the meeting's
        invitations (None for an adult, an erased or unknown beneficiary)."""
        found = await self.beneficiaries.get(beneficiary_id, agency_id)
        if found is None or found.status is rules.Status.ERASED:
            return None
        return found.identity.guardian

    async def minor(self, beneficiary_id: str, agency_id: str) -> rules.Beneficiary | None:
        """For the placements service: a minor, whose date of birth says whether they may do a PMSMP (None
        for an adult, an erased or unknown beneficiary)."""
        found = await self.beneficiaries.get(beneficiary_id, agency_id)
        if found is None or found.status is rules.Status.ERASED or not found.minor:
            return None
        return found

    async def contact(self, beneficiary_id: str, agency_id: str) -> rules.Identity | None:
        """For the notifications service: where a beneficiary's own invitations go (a gathering's); None
        for an erased or unknown beneficiary."""
        found = await self.beneficiaries.get(beneficiary_id, agency_id)
        if found is None or found.status is rules.Status.ERASED:
            return None
        return found.identity

    async def register(
        self,
        caller: Caller,
        identity: rules.Identity,
        project: rules.Project,
        matching_consent: bool,
        consent_months: int,
        counsellor_id: str | None,
    ) -> rules.Beneficiary:
        counsellor_id = await self._counsellor_of(caller, counsellor_id)
        beneficiary, event = rules.register(
            caller.agency_id, counsellor_id, identity, project, matching_consent, consent_months, self.clock()
        )
        await self.beneficiaries.add(beneficiary, [event])
        return beneficiary

    async def page(
        self, caller: Caller, text: str, mine: bool, status: str | None, after: str | None, limit: int
    ) -> list[rules.Beneficiary]:
        """The agency's beneficiaries newest first; `mine`: the caller's own; `status` None: any."""
        return await self.beneficiaries.of_agency(
            caller.agency_id,
            text=text,
            counsellor_id=caller.staff_id if mine else None,
            status=status,
            after=after,
            limit=limit,
        )

    async def one(self, beneficiary_id: str, caller: Caller) -> rules.Beneficiary:
        found = await self.beneficiaries.get(beneficiary_id, caller.agency_id)
        if found is None:
            raise NotFound(
                "Ce bénéficiaire n'existe pas ou ne fait pas partie de votre agence.", code="beneficiary_not_found"
            )
        return found

    async def change(
        self,
        beneficiary_id: str,
        caller: Caller,
        identity: rules.Identity | None,
        project: rules.Project | None,
        counsellor_id: str | None,
    ) -> rules.Beneficiary:
        current = await self.one(beneficiary_id, caller)
        new_counsellor = await self._counsellor_of(caller, counsellor_id) if counsellor_id else None
        return await self._decide(current, lifecycle.Change(identity, project, new_counsellor))

    async def close(self, beneficiary_id: str, caller: Caller, outcome: ClosingOutcome, note: str) -> rules.Beneficiary:
        current = await self.one(beneficiary_id, caller)
        return await self._decide(current, lifecycle.Close(outcome, note))

    async def counts(self, caller: Caller) -> list[Document]:
        """A regional coordinator's: every agency of their region; anyone else's: their agency."""
        if caller.has(Role.REGIONAL_COORDINATOR):
            region = [a.agency_id for a in await self.agencies.all() if a.region_code == caller.region_code]
            return await self.beneficiaries.counts(region)
        return await self.beneficiaries.counts([caller.agency_id])

    async def _decide(self, current: rules.Beneficiary, command: lifecycle.Command) -> rules.Beneficiary:
        changed, events = lifecycle.decide(current, command, Actor.AGENCY_STAFF, self.clock())
        if changed is not current:
            await self.beneficiaries.save(changed, events)
        return changed

    async def _counsellor_of(self, caller: Caller, counsellor_id: str | None) -> str:
        """The counsellor following the beneficiary: the caller, or an active staff member of their agency."""
        if counsellor_id is None or counsellor_id == caller.staff_id:
            return caller.staff_id
        member = await self.accounts.get(counsellor_id)
        if member is None or member.agency_id != caller.agency_id or not member.active:
            raise rules.InvalidBeneficiary([("counsellor_id", "Choisissez un conseiller actif de votre agence.")])
        return counsellor_id
