"""The region's funnel as a projection of matching's and placements' events: each step counted once, in
its agency, ROME family and month (see `adapters.funnel`). The events come through `handlers`."""

from __future__ import annotations

from datetime import datetime

from services.console.adapters.funnel import FunnelCounts
from services.console.adapters.sectors import BeneficiarySectors, IntroductionSectors
from services.console.domain.funnel import Fact, Stage, assessment_stages, month_of, sector_of


class FunnelCounting:
    def __init__(
        self, counts: FunnelCounts, beneficiaries: BeneficiarySectors, introductions: IntroductionSectors
    ) -> None:
        self.counts = counts
        self.beneficiaries = beneficiaries
        self.introductions = introductions

    async def _count(self, key: str, at: datetime, agency_id: str, sector: str, stage: Stage) -> None:
        await self.counts.count(Fact(key, agency_id, sector, month_of(at), stage))

    async def project_changed(self, beneficiary_id: str, version: int, target_jobs: list[str]) -> None:
        """A beneficiary's suggestions count in the family of their first target job."""
        await self.beneficiaries.remember(beneficiary_id, version, sector_of(target_jobs[0] if target_jobs else None))

    async def person_erased(self, person_id: str) -> None:
        await self.beneficiaries.forget(person_id)

    async def suggestion_offered(self, event_id: str, at: datetime, agency_id: str, beneficiary_id: str) -> None:
        sector = await self.beneficiaries.of(beneficiary_id)
        await self._count(event_id, at, agency_id, sector, Stage.SUGGESTIONS)

    async def introduction_proposed(self, at: datetime, agency_id: str, introduction_id: str, job: str) -> None:
        sector = sector_of(job)
        await self.introductions.remember(introduction_id, sector)
        await self._count(f"{introduction_id}:introduced", at, agency_id, sector, Stage.INTRODUCTIONS)

    async def introduction_answered(self, at: datetime, agency_id: str, introduction_id: str, accepted: bool) -> None:
        if accepted:
            sector = await self.introductions.of(introduction_id)
            await self._count(f"{introduction_id}:accepted", at, agency_id, sector, Stage.ACCEPTED)

    async def meeting_recorded(self, at: datetime, agency_id: str, introduction_id: str) -> None:
        sector = await self.introductions.of(introduction_id)
        await self._count(f"{introduction_id}:met", at, agency_id, sector, Stage.MEETINGS)

    async def gathering_attended(
        self, starts_at: datetime, jobs: list[str], attendances: list[tuple[str, str, bool]]
    ) -> None:
        """Each registration present counts once, in its beneficiary's agency, the gathering's first job's family
        and month; one recorded absent afterwards no longer counts. Keyed by the registration (never the person)."""
        sector = sector_of(jobs[0] if jobs else None)
        for registration_id, agency_id, present in attendances:
            key = f"{registration_id}:attended"
            if present:
                await self._count(key, starts_at, agency_id, sector, Stage.GATHERINGS)
            else:
                await self.counts.uncount(key)

    async def convention_validated(self, at: datetime, agency_id: str, convention_id: str, rome_code: str) -> None:
        await self._count(f"{convention_id}:validated", at, agency_id, sector_of(rome_code), Stage.CONVENTIONS)

    async def convention_assessed(
        self, at: datetime, agency_id: str, convention_id: str, rome_code: str, conclusion: str, hired: bool
    ) -> None:
        """The tutor's assessment counts as soon as it is submitted; a new one after a contest replaces it."""
        outcome, hiring = f"{convention_id}:conclusion", f"{convention_id}:hired"
        sector = sector_of(rome_code)
        for stage in assessment_stages(conclusion, hired):
            await self._count(hiring if stage is Stage.HIRED else outcome, at, agency_id, sector, stage)
        if not hired:
            await self.counts.uncount(hiring)

    async def recount(self) -> int:
        """Mend the buckets a crash left wrong (a periodic job); returns how many were."""
        return await self.counts.recount()
