"""The region's funnel as a projection of matching's and placements' events: each step counted once, in
its agency, ROME family, month and the beneficiary's kind of transition (see `adapters.funnel`). The events
come through `handlers`."""

from __future__ import annotations

from datetime import datetime

from services.console.adapters.funnel import FunnelCounts
from services.console.adapters.sectors import BeneficiarySectors, IntroductionSectors
from services.console.domain.funnel import (
    UNKNOWN_TRANSITION,
    Fact,
    Stage,
    assessment_stages,
    month_of,
    sector_of,
    transition_of,
)


class FunnelCounting:
    def __init__(
        self, counts: FunnelCounts, beneficiaries: BeneficiarySectors, introductions: IntroductionSectors
    ) -> None:
        self.counts = counts
        self.beneficiaries = beneficiaries
        self.introductions = introductions

    async def _count(self, key: str, at: datetime, agency_id: str, sector: str, stage: Stage, transition: str) -> None:
        await self.counts.count(Fact(key, agency_id, sector, month_of(at), stage, transition))

    async def project_changed(
        self, beneficiary_id: str, version: int, target_jobs: list[str], transition: str | None
    ) -> None:
        """A beneficiary's steps count in the family of their first target job, and their kind of move."""
        sector = sector_of(target_jobs[0] if target_jobs else None)
        await self.beneficiaries.remember(beneficiary_id, version, sector, transition_of(transition))

    async def person_erased(self, person_id: str) -> None:
        await self.beneficiaries.forget(person_id)

    async def suggestion_offered(self, event_id: str, at: datetime, agency_id: str, beneficiary_id: str) -> None:
        sector, transition = await self.beneficiaries.reading(beneficiary_id)
        await self._count(event_id, at, agency_id, sector, Stage.SUGGESTIONS, transition)

    async def introduction_proposed(
        self, at: datetime, agency_id: str, introduction_id: str, job: str, beneficiary_id: str
    ) -> None:
        sector = sector_of(job)
        _, transition = await self.beneficiaries.reading(beneficiary_id)
        await self.introductions.remember(introduction_id, sector, transition)
        await self._count(f"{introduction_id}:introduced", at, agency_id, sector, Stage.INTRODUCTIONS, transition)

    async def introduction_answered(self, at: datetime, agency_id: str, introduction_id: str, accepted: bool) -> None:
        if accepted:
            sector, transition = await self.introductions.reading(introduction_id)
            await self._count(f"{introduction_id}:accepted", at, agency_id, sector, Stage.ACCEPTED, transition)

    async def meeting_recorded(self, at: datetime, agency_id: str, introduction_id: str) -> None:
        sector, transition = await self.introductions.reading(introduction_id)
        await self._count(f"{introduction_id}:met", at, agency_id, sector, Stage.MEETINGS, transition)

    async def gathering_attended(
        self, starts_at: datetime, jobs: list[str], attendances: list[tuple[str, str, bool]]
    ) -> None:
        """Each registration present counts once, in its beneficiary's agency, the gathering's first job's family
        and month (and no kind of transition: the registration does not say whose it is); one recorded absent
        afterwards no longer counts. Keyed by the registration (never the person)."""
        sector = sector_of(jobs[0] if jobs else None)
        for registration_id, agency_id, present in attendances:
            key = f"{registration_id}:attended"
            if present:
                await self._count(key, starts_at, agency_id, sector, Stage.GATHERINGS, UNKNOWN_TRANSITION)
            else:
                await self.counts.uncount(key)

    async def convention_validated(
        self, at: datetime, agency_id: str, convention_id: str, rome_code: str, beneficiary_id: str
    ) -> None:
        _, transition = await self.beneficiaries.reading(beneficiary_id)
        key = f"{convention_id}:validated"
        await self._count(key, at, agency_id, sector_of(rome_code), Stage.CONVENTIONS, transition)

    async def convention_assessed(
        self,
        at: datetime,
        agency_id: str,
        convention_id: str,
        rome_code: str,
        conclusion: str,
        hired: bool,
        beneficiary_id: str,
    ) -> None:
        """The tutor's assessment counts as soon as it is submitted; a new one after a contest replaces it."""
        outcome, hiring = f"{convention_id}:conclusion", f"{convention_id}:hired"
        sector = sector_of(rome_code)
        _, transition = await self.beneficiaries.reading(beneficiary_id)
        for stage in assessment_stages(conclusion, hired):
            await self._count(hiring if stage is Stage.HIRED else outcome, at, agency_id, sector, stage, transition)
        if not hired:
            await self.counts.uncount(hiring)

    async def recount(self) -> int:
        """Mend the buckets a crash left wrong (a periodic job); returns how many were."""
        return await self.counts.recount()
