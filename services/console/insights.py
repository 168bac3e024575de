"""The region's funnel as a projection of matching's and placements' events: each step counted once, in
its agency, ROME family and month (see `funnel_store`)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.console.domain.funnel import Fact, Stage, assessment_stages, month_of, sector_of
from services.console.funnel_store import FunnelStore
from services.contracts.envelope import Envelope
from services.contracts.events.matching import (
    IntroductionAnsweredV1,
    IntroductionProposedV1,
    MeetingRecordedV1,
    SuggestionOfferedV1,
)
from services.contracts.events.placements import ConventionAssessedV1, ConventionEventV1
from services.contracts.events.profiles import BeneficiaryProjectV1
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.projection import apply_if_newer


class Insights:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.store = FunnelStore(database)
        self.beneficiaries = database["funnel_beneficiaries"]  # the sector each beneficiary explores
        self.introductions = database["funnel_introductions"]  # the sector of each introduction's job

    async def _count(self, key: str, envelope: Envelope, agency_id: str, sector: str, stage: Stage) -> None:
        await self.store.count(Fact(key, agency_id, sector, month_of(envelope.occurred_at), stage))

    async def _sector_of(self, collection: Any, key: str) -> str:
        found = await collection.find_one({"_id": key}, {"sector": 1})
        return sector_of(None) if found is None else str(found["sector"])

    async def on_project(self, envelope: Envelope, payload: BeneficiaryProjectV1) -> None:
        sector = sector_of(payload.target_jobs[0] if payload.target_jobs else None)
        await apply_if_newer(self.beneficiaries, payload.beneficiary_id, envelope.aggregate_version, {"sector": sector})

    async def on_suggestion(self, envelope: Envelope, payload: SuggestionOfferedV1) -> None:
        sector = await self._sector_of(self.beneficiaries, payload.beneficiary_id)
        await self._count(envelope.event_id, envelope, payload.agency_id, sector, Stage.SUGGESTIONS)

    async def on_proposed(self, envelope: Envelope, payload: IntroductionProposedV1) -> None:
        sector = sector_of(payload.target_job)
        await self.introductions.update_one({"_id": payload.introduction_id}, {"$set": {"sector": sector}}, upsert=True)
        key = f"{payload.introduction_id}:introduced"
        await self._count(key, envelope, payload.agency_id, sector, Stage.INTRODUCTIONS)

    async def on_answered(self, envelope: Envelope, payload: IntroductionAnsweredV1) -> None:
        if payload.accepted:
            sector = await self._sector_of(self.introductions, payload.introduction_id)
            key = f"{payload.introduction_id}:accepted"
            await self._count(key, envelope, payload.agency_id, sector, Stage.ACCEPTED)

    async def on_meeting(self, envelope: Envelope, payload: MeetingRecordedV1) -> None:
        sector = await self._sector_of(self.introductions, payload.introduction_id)
        await self._count(f"{payload.introduction_id}:met", envelope, payload.agency_id, sector, Stage.MEETINGS)

    async def on_validated(self, envelope: Envelope, payload: ConventionEventV1) -> None:
        sector = sector_of(payload.rome_code)
        await self._count(f"{payload.convention_id}:validated", envelope, payload.agency_id, sector, Stage.CONVENTIONS)

    async def on_assessment(self, envelope: Envelope, payload: ConventionAssessedV1) -> None:
        """The tutor's assessment counts as soon as it is submitted; a new one after a contest replaces it."""
        outcome, hired = f"{payload.convention_id}:conclusion", f"{payload.convention_id}:hired"
        sector = sector_of(payload.rome_code)
        for stage in assessment_stages(payload.project_conclusion.value, payload.hired):
            key = hired if stage is Stage.HIRED else outcome
            await self._count(key, envelope, payload.agency_id, sector, stage)
        if not payload.hired:
            await self.store.uncount(hired)

    def subscribe(self, router: EventRouter) -> EventRouter:
        return (
            router.on("profiles.beneficiary.registered", self.on_project)
            .on("profiles.beneficiary.project_changed", self.on_project)
            .on("matching.suggestion.offered", self.on_suggestion)
            .on("matching.introduction.proposed", self.on_proposed)
            .on("matching.introduction.answered", self.on_answered)
            .on("matching.introduction.meeting_recorded", self.on_meeting)
            .on("placements.convention.validated", self.on_validated)
            .on("placements.convention.assessment_submitted", self.on_assessment)
            .on("placements.convention.assessed", self.on_assessment)
        )
