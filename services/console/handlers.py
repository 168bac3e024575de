"""The events the console follows, each translated into a call of the funnel's counting (registered in
`app`). The agency directory's events are the kit's."""

from __future__ import annotations

from services.console.use_cases.counting import FunnelCounting
from services.contracts.envelope import Envelope
from services.contracts.events.gatherings import AttendanceRecordedV1
from services.contracts.events.matching import (
    IntroductionAnsweredV1,
    IntroductionProposedV1,
    MeetingRecordedV1,
    SuggestionOfferedV1,
)
from services.contracts.events.placements import ConventionAssessedV1, ConventionEventV1
from services.contracts.events.profiles import BeneficiaryProjectV1, PersonErasedV1
from services.kit.messaging import EventRouter


def subscribe(router: EventRouter, counting: FunnelCounting) -> EventRouter:
    async def on_project(envelope: Envelope, payload: BeneficiaryProjectV1) -> None:
        await counting.project_changed(
            payload.beneficiary_id,
            envelope.aggregate_version,
            payload.target_jobs,
            payload.transition,
        )

    async def on_erased(envelope: Envelope, payload: PersonErasedV1) -> None:
        await counting.person_erased(payload.person_id)

    async def on_suggestion(envelope: Envelope, payload: SuggestionOfferedV1) -> None:
        await counting.suggestion_offered(
            envelope.event_id, envelope.occurred_at, payload.agency_id, payload.beneficiary_id
        )

    async def on_proposed(envelope: Envelope, payload: IntroductionProposedV1) -> None:
        await counting.introduction_proposed(
            envelope.occurred_at, payload.agency_id, payload.introduction_id, payload.target_job, payload.beneficiary_id
        )

    async def on_answered(envelope: Envelope, payload: IntroductionAnsweredV1) -> None:
        await counting.introduction_answered(
            envelope.occurred_at, payload.agency_id, payload.introduction_id, payload.accepted
        )

    async def on_meeting(envelope: Envelope, payload: MeetingRecordedV1) -> None:
        await counting.meeting_recorded(envelope.occurred_at, payload.agency_id, payload.introduction_id)

    async def on_validated(envelope: Envelope, payload: ConventionEventV1) -> None:
        await counting.convention_validated(
            envelope.occurred_at, payload.agency_id, payload.convention_id, payload.rome_code, payload.beneficiary_id
        )

    async def on_assessment(envelope: Envelope, payload: ConventionAssessedV1) -> None:
        await counting.convention_assessed(
            envelope.occurred_at,
            payload.agency_id,
            payload.convention_id,
            payload.rome_code,
            payload.project_conclusion.value,
            payload.hired,
            payload.beneficiary_id,
        )

    async def on_attendance(envelope: Envelope, payload: AttendanceRecordedV1) -> None:
        attended = [(a.registration_id, a.agency_id, a.present) for a in payload.attendances]
        await counting.gathering_attended(payload.starts_at, payload.jobs, attended)

    return (
        # a project's family is known before the suggestions of its batch are counted in it; an erasure
        # comes after the batch's counts (their batch is applied several aggregates at a time)
        router.on("profiles.beneficiary.registered", on_project, early=True)
        .on("profiles.beneficiary.project_changed", on_project, early=True)
        .on("profiles.person.erased", on_erased, late=True)
        .on("matching.suggestion.offered", on_suggestion)
        .on("matching.introduction.proposed", on_proposed)
        .on("matching.introduction.answered", on_answered)
        .on("matching.introduction.meeting_recorded", on_meeting)
        .on("matching.gathering.attendance_recorded", on_attendance)
        .on("placements.convention.validated", on_validated)
        .on("placements.convention.assessment_submitted", on_assessment)
        .on("placements.convention.assessed", on_assessment)
    )
