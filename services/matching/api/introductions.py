"""Introductions, for counsellors: propose, record the beneficiary's agreement, list, read, cancel, record the
meeting, give the beneficiary's feedback."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from services.contracts.events.profiles import MeetingMode
from services.kit.domain import InvalidInput
from services.kit.identity import AgencyStaff
from services.kit.internal_api import OwnerRefused, OwnerUnreachable
from services.kit.pagination import After, announce_next
from services.matching.adapters.peer_directory import PeerDirectory
from services.matching.api.meetings import ConcernOut, MeetingPlan, ThreadMessageOut, concerns_of, thread_of
from services.matching.deps import (
    IntroductionServiceDep,
    PeerDirectoryDep,
    SuggestionServiceDep,
    own_beneficiary,
    own_introduction,
)
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import (
    CONTACT_LABELS,
    ContactChannel,
    Feedback,
    Introduction,
    Meeting,
    Proposal,
    Side,
    Status,
    feedback_opens_at,
    sees_contact,
)
from services.matching.domain.introduction_rules import PURPOSE_LABELS, Purpose
from services.matching.domain.preparation import PROJECT_EFFECT_LABELS, ProjectEffect
from services.reference import labels
from services.reference.labels import Labels

router = APIRouter(tags=["introductions"])


class ProposalIn(BaseModel):
    peer_id: str
    purpose: Purpose
    target_job: str | None = Field(default=None, description="ROME code; the closest to the peer's path if left out")
    message: str = Field(default="", max_length=2000, description="for the peer, shown on their answer page")
    mentoring_months: int | None = Field(default=None, description="mentoring only: 2 to 12")
    questions: list[str] = Field(
        default_factory=list, max_length=20, description="job inquiry only: added to the guide's questions"
    )
    beneficiary_agreed: bool = Field(
        default=False,
        description="the beneficiary agreed to meet this peer: the request goes to the peer at once; otherwise it "
        "waits (awaiting_beneficiary) until the agreement is recorded (POST /introductions/{id}/agreement)",
    )


class AgreementIn(BaseModel):
    agreed: bool = Field(description="the beneficiary's answer; declining needs no reason")


class MeetingIn(BaseModel):
    held_on: date
    mode: MeetingMode
    summary: str = Field(default="", max_length=4000, description="job inquiry: the beneficiary's short summary")


class FeedbackIn(BaseModel):
    took_place: bool
    usefulness: int | None = Field(default=None, ge=1, le=5)
    comment: str = Field(default="", max_length=2000)
    no_show: bool = Field(default=False, description="it did not take place: the other side did not come")
    project_effect: ProjectEffect | None = Field(
        default=None, description="the beneficiary's debrief, once it took place: what it changes to the project"
    )


class PeerContactOut(BaseModel):
    """How the beneficiary's counsellor reaches the peer: the way they chose, and only that address."""

    channel: ContactChannel
    label: str
    first_name: str = ""
    email: str | None = None
    phone: str | None = None
    note: str


async def peer_contact(introduction: Introduction, staff_id: str, directory: PeerDirectory) -> PeerContactOut | None:
    channel = introduction.contact_channel
    if channel is None or not sees_contact(introduction, staff_id):
        return None
    if channel is ContactChannel.PLATFORM:
        note = "Le pair préfère passer par la plateforme : écrivez-lui depuis cette mise en relation."
        return PeerContactOut(channel=channel, label=CONTACT_LABELS[channel], note=note)
    try:
        found = await directory.contact(introduction.peer_id)
    except (OwnerUnreachable, OwnerRefused):
        note = "Le service des profils ne répond pas : les coordonnées du pair reviennent dans un instant."
        return PeerContactOut(channel=channel, label=CONTACT_LABELS[channel], note=note)
    if found is None:
        return PeerContactOut(channel=channel, label=CONTACT_LABELS[channel], note="Ce pair n'est plus inscrit.")
    email = found.get("email") if channel is ContactChannel.EMAIL else None
    phone = found.get("phone") if channel is ContactChannel.PHONE else None
    note = "Le pair a choisi d'être joint ainsi."
    if channel is ContactChannel.PHONE and not phone:
        note = "Le pair a choisi le téléphone mais n'a pas donné de numéro : passez par la plateforme."
    return PeerContactOut(
        channel=channel,
        label=CONTACT_LABELS[channel],
        first_name=str(found.get("first_name", "")),
        email=email,
        phone=phone or None,
        note=note,
    )


class IntroductionOut(BaseModel):
    introduction_id: str
    beneficiary_id: str
    peer_id: str
    purpose: Purpose
    purpose_label: str
    target_job: str
    status: Status
    meeting_modes: list[str]
    counsellor_present: bool
    message: str
    questions: list[str]
    mentoring_months: int | None
    proposed_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    decline_reason: str | None
    declined_by: Side | None = Field(description="who declined: the beneficiary or the peer (no reason required)")
    beneficiary_agreed: bool = Field(description="the beneficiary agreed: the request went (or goes) to the peer")
    answer_message: str
    meeting: dict[str, Any] | None
    feedback: dict[str, Any]
    contact_channel: ContactChannel | None = Field(description="how the peer chose to be reached, once accepted")
    contact_channel_label: str | None
    contact: PeerContactOut | None = Field(
        default=None,
        description="one introduction read by the beneficiary's counsellor: how to reach the peer, as they chose",
    )
    meeting_plan: MeetingPlan
    feedback_opens_at: datetime | None = Field(description="feedback comes once the meeting's date has come")
    thread: list[ThreadMessageOut] = Field(description="the messages between the counsellor and the peer")
    concerns: list[ConcernOut] = Field(description="the concerns the beneficiary's side reported (not the peer's)")
    concerns_to_review: int = Field(description="how many concerns, by either side, wait for the agency's admin")
    labels: Labels = Field(description="what people read for the target job")

    @classmethod
    def of(cls, i: Introduction) -> IntroductionOut:
        return cls(
            introduction_id=i.id,
            beneficiary_id=i.beneficiary_id,
            peer_id=i.peer_id,
            purpose=i.purpose,
            purpose_label=PURPOSE_LABELS[i.purpose],
            target_job=i.target_job,
            status=i.status,
            meeting_modes=list(i.meeting_modes),
            counsellor_present=i.counsellor_present,
            message=i.message,
            questions=list(i.questions),
            mentoring_months=i.mentoring_months,
            proposed_at=i.proposed_at,
            expires_at=i.expires_at,
            answered_at=i.answered_at,
            decline_reason=i.decline_reason.value if i.decline_reason else None,
            declined_by=i.declined_by,
            beneficiary_agreed=i.sent_at is not None,
            answer_message=i.answer_message or "",
            meeting=None if i.meeting is None else meeting_out(i.meeting),
            feedback={side.value: feedback_out(given) for side, given in i.feedback.items()},
            contact_channel=i.contact_channel,
            contact_channel_label=None if i.contact_channel is None else CONTACT_LABELS[i.contact_channel],
            meeting_plan=MeetingPlan.of(i),
            feedback_opens_at=feedback_opens_at(i),
            thread=thread_of(i),
            concerns=concerns_of(i, Side.BENEFICIARY),
            concerns_to_review=sum(c.reviewed_at is None for c in i.concerns),
            labels=labels.of_codes([i.target_job]),
        )


def feedback_out(given: Feedback) -> dict[str, Any]:
    """One side's feedback; the beneficiary's debrief says what the meeting changes to the project in words."""
    effect = given.project_effect
    return {**asdict(given), "project_effect_label": None if effect is None else PROJECT_EFFECT_LABELS[effect]}


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {"held_on": meeting.held_on.isoformat(), "mode": meeting.mode, "summary": meeting.summary}


@router.post(
    "/beneficiaries/{beneficiary_id}/introductions",
    status_code=status.HTTP_201_CREATED,
    summary="Propose an introduction to a peer, sent once the beneficiary agreed; the peer answers by a secure link",
)
async def propose(
    beneficiary_id: str,
    body: ProposalIn,
    caller: AgencyStaff,
    service: IntroductionServiceDep,
    suggestions: SuggestionServiceDep,
) -> IntroductionOut:
    document = await own_beneficiary(suggestions, beneficiary_id, caller)
    proposal = Proposal(
        body.peer_id,
        body.purpose,
        body.target_job,
        body.message,
        body.mentoring_months,
        tuple(body.questions),
        body.beneficiary_agreed,
    )
    if body.target_job is not None and body.target_job not in document["target_jobs"]:
        raise InvalidInput([("target_job", "Choisissez un des métiers visés par ce bénéficiaire.")])
    introduction = await service.propose(
        suggestions.view(document), document["counsellor_id"], caller.staff_id, proposal, datetime.now(UTC)
    )
    return IntroductionOut.of(introduction)


@router.get(
    "/introductions",
    summary="Your agency's introductions, newest first, by status or beneficiary",
    description="A page of `limit`; when there are more, the `X-Next-Cursor` header (and `Link: rel=next`) gives "
    "the `after` of the next page.",
)
async def introductions(
    caller: AgencyStaff,
    service: IntroductionServiceDep,
    request: Request,
    response: Response,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    beneficiary_id: str | None = None,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[IntroductionOut]:
    found = await service.page(caller.agency_id, status_, beneficiary_id, after, limit)
    page = [IntroductionOut.of(i) for i in found]
    announce_next(request, response, page, limit, lambda i: i.introduction_id)
    return page


@router.get(
    "/introductions/{introduction_id}",
    summary="One introduction; for the beneficiary's counsellor, how to reach the peer as they chose",
)
async def introduction(
    introduction_id: str, caller: AgencyStaff, service: IntroductionServiceDep, directory: PeerDirectoryDep
) -> IntroductionOut:
    found = await own_introduction(service, introduction_id, caller)
    shown = IntroductionOut.of(found)
    shown.contact = await peer_contact(found, caller.staff_id, directory)
    return shown


@router.post(
    "/introductions/{introduction_id}/agreement",
    summary="Record the beneficiary's answer: agreed (the request goes to the peer) or not (it ends, no reason)",
)
async def agreement(
    introduction_id: str, body: AgreementIn, caller: AgencyStaff, service: IntroductionServiceDep
) -> IntroductionOut:
    introduction = await own_introduction(service, introduction_id, caller)
    return IntroductionOut.of(await service.agreement(introduction, body.agreed))


@router.post("/introductions/{introduction_id}/cancel", summary="Cancel a proposed or accepted introduction")
async def cancel(introduction_id: str, caller: AgencyStaff, service: IntroductionServiceDep) -> IntroductionOut:
    introduction = await own_introduction(service, introduction_id, caller)
    return IntroductionOut.of(await service.cancel(introduction, caller.staff_id))


@router.post("/introductions/{introduction_id}/meeting", summary="Record the meeting of an accepted introduction")
async def meeting(
    introduction_id: str, body: MeetingIn, caller: AgencyStaff, service: IntroductionServiceDep
) -> IntroductionOut:
    introduction = await own_introduction(service, introduction_id, caller)
    recorded = await service.record_meeting(introduction, body.held_on, body.mode.value, body.summary)
    return IntroductionOut.of(recorded)


@router.post(
    "/introductions/{introduction_id}/feedback",
    summary="The beneficiary's feedback and debrief, entered by their counsellor (did it take place, useful 1-5, "
    "what they take from it, what it changes to the project)",
)
async def feedback(
    introduction_id: str, body: FeedbackIn, caller: AgencyStaff, service: IntroductionServiceDep
) -> IntroductionOut:
    introduction = await own_introduction(service, introduction_id, caller)
    given = await service.give_feedback(
        introduction,
        Actor.COUNSELLOR,
        body.took_place,
        body.usefulness,
        body.comment,
        body.no_show,
        body.project_effect,
    )
    return IntroductionOut.of(given)
