"""The conventions' use cases for staff and the platform: write a draft, change it, take a step of the table,
renew; each loads what the rules read, decides (`domain.decide`), and saves in one write."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from services.contracts.envelope import Envelope
from services.contracts.events.placements import PartyRole
from services.kit.ids import new_id
from services.kit.outbox import TakenByAnother
from services.placements.adapters.conventions import Conventions, NotFound, Selection
from services.placements.adapters.minors import MinorBirthDates
from services.placements.adapters.projections import Projections
from services.placements.domain.commands import CHECKS_LIMITS, Command, Edit, Facts, Renew, Take
from services.placements.domain.convention import Convention, Party, legal_checks
from services.placements.domain.decide import decide, draft, renewal_terms
from services.placements.domain.lifecycle import Action, Actor, Status, Validation
from services.placements.domain.limits import LegalChecks
from services.placements.domain.terms import Assessment, Terms


class UnknownBeneficiary(NotFound):
    def __init__(self, beneficiary_id: str) -> None:
        super().__init__(
            "Ce bénéficiaire n'existe pas dans votre agence (inscrit à l'instant ? Les immersions l'apprennent en "
            "quelques secondes : réessayez).",
            code="beneficiary_not_found",
            field="beneficiary_id",
        )


class ConventionService:
    def __init__(
        self,
        conventions: Conventions,
        projections: Projections,
        link_key: str,
        birth_dates: MinorBirthDates | None = None,
    ) -> None:
        self.conventions = conventions
        self.projections = projections
        self.link_key = link_key
        self.birth_dates = birth_dates  # a minor's, from profiles

    async def birth_date(self, minor: bool, beneficiary_id: str, agency_id: str) -> date | None:
        if not minor or self.birth_dates is None:
            return None
        return await self.birth_dates.of(beneficiary_id, agency_id)

    # -- reading ----------------------------------------------------------------------------------

    async def get(self, convention_id: str, agency_id: str | None = None) -> Convention:
        return await self.conventions.get(convention_id, agency_id)

    async def page(self, selection: Selection, after: str | None = None, limit: int = 50) -> list[Convention]:
        return await self.conventions.of_agency(selection, after, limit)

    async def selection(
        self,
        agency_id: str,
        status: Status | None = None,
        beneficiary_id: str | None = None,
        waiting_for: str | None = None,
    ) -> Selection:
        """A list's or an export's selection, with the agency's validation mode (who is waited for)."""
        validation = await self.projections.validation_of(agency_id)
        return Selection(agency_id, status, beneficiary_id, waiting_for, validation)

    async def legal(self, convention: Convention) -> LegalChecks:
        """The legal limits as the validator reads them, counted over the beneficiary's conventions."""
        return legal_checks(convention, tuple(await self.conventions.of_beneficiary(convention.beneficiary_id)))

    # -- deciding ---------------------------------------------------------------------------------

    async def facts(self, convention: Convention, command: Command) -> Facts:
        """What the rules read for `command`, and only that: the agency's validation mode for a step of the
        table, the beneficiary's other conventions where the legal limits are counted again."""
        validation = Validation.ONE_STEP
        if isinstance(command, Take | Renew):
            validation = await self.projections.validation_of(convention.agency_id)
        others: tuple[Convention, ...] = ()
        if isinstance(command, Edit) or (isinstance(command, Take) and command.action in CHECKS_LIMITS):
            others = tuple(await self.conventions.of_beneficiary(convention.beneficiary_id))
        born = None
        if isinstance(command, Edit):
            born = await self.birth_date(convention.minor, convention.beneficiary_id, convention.agency_id)
        return Facts(validation, others, self.link_key, birth_date=born)

    async def decide(
        self, convention: Convention, command: Command, party: Party, now: datetime
    ) -> tuple[Convention, list[Envelope]]:
        return decide(convention, command, party, now, await self.facts(convention, command))

    async def apply(self, convention: Convention, command: Command, party: Party, now: datetime) -> Convention:
        """Decide and save in one write (ConcurrentUpdate if the convention changed since it was read)."""
        changed, events = await self.decide(convention, command, party, now)
        await self.conventions.save(changed, events)
        return changed

    async def act(
        self,
        convention: Convention,
        action: Action,
        party: Party,
        now: datetime,
        *,
        reason: str = "",
        note: str = "",
        assessment: Assessment | None = None,
        used_link: PartyRole | None = None,
    ) -> Convention:
        """Take one step of the table, with what it needs and what follows from it, in one write."""
        return await self.apply(convention, Take(action, reason, note, assessment, used_link), party, now)

    # -- the counsellor writes it -------------------------------------------------------------------

    async def create(
        self, agency_id: str, staff_id: str, beneficiary_id: str, terms: Terms, now: datetime, renewal_of: str = ""
    ) -> Convention:
        beneficiary = await self.projections.beneficiary(beneficiary_id)
        if beneficiary is None or beneficiary.agency_id != agency_id:
            raise UnknownBeneficiary(beneficiary_id)
        others = tuple(await self.conventions.of_beneficiary(beneficiary_id))
        born = await self.birth_date(beneficiary.minor, beneficiary_id, agency_id)
        beneficiary = replace(beneficiary, birth_date=born)
        convention, events = draft(new_id(), beneficiary, staff_id, terms, now, others, renewal_of or None)
        await self.conventions.add(convention, events)
        return convention

    async def edit(self, convention: Convention, terms: Terms, staff_id: str, now: datetime) -> Convention:
        return await self.apply(convention, Edit(terms), Party(frozenset({Actor.COUNSELLOR}), staff_id), now)

    async def renew(self, original: Convention, staff_id: str, start: date, end: date, now: datetime) -> Convention:
        """A new draft with the same host, tutor and objective for new dates; the original becomes renewed.
        A convention has one renewal at most (a unique index on `renewal_of`), so a retry after a crash
        between the two writes finds the renewal made the first time."""
        validation = await self.projections.validation_of(original.agency_id)
        terms = renewal_terms(original, start, end, validation)
        try:
            renewal = await self.create(original.agency_id, staff_id, original.beneficiary_id, terms, now, original.id)
        except TakenByAnother:  # made before (a retry): found by the unique index that refused this one
            made = await self.conventions.renewal_of(original.id)
            if made is None:
                raise
            renewal = made
        await self.apply(original, Renew(renewal.id), Party(frozenset({Actor.COUNSELLOR}), staff_id), now)
        return renewal
