"""What a peer does from the secure link in their e-mail, without an account: read the request, accept
or decline it, and later give feedback. The link is the credential: signed, for this introduction only,
expiring (see `services.contracts.links`)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.contracts.links import PEER_INTRODUCTION
from services.kit.domain import NotFound
from services.kit.rate_limits import LINK_RATE_LIMIT
from services.matching.api.introductions import FeedbackIn
from services.matching.api.meetings import (
    ConcernIn,
    ConcernOut,
    MeetingPlan,
    MessageIn,
    PickIn,
    SlotsIn,
    ThreadMessageOut,
    concerns_of,
    thread_of,
)
from services.matching.deps import IntroductionServiceDep, LinkKey
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import (
    CONTACT_LABELS,
    ContactChannel,
    DeclineReason,
    Introduction,
    Side,
    Status,
    feedback_open,
)
from services.matching.domain.introduction_rules import PURPOSE_LABELS, Purpose
from services.matching.use_cases.introductions import IntroductionService
from services.reference import jobs

router = APIRouter(prefix="/links/introductions", tags=["peer links"], dependencies=[LINK_RATE_LIMIT])


class RequestForPeer(BaseModel):
    """What the peer reads: why, for which job, how to meet; never the beneficiary's name or contact."""

    purpose: Purpose
    purpose_label: str
    target_job: str
    target_job_label: str
    meeting_modes: list[str]
    counsellor_present: bool = Field(description="the beneficiary is a minor: their counsellor takes part")
    message: str
    questions: list[str]
    mentoring_months: int | None
    status: Status
    expires_at: datetime
    feedback_given: bool
    contact_channel: ContactChannel | None = Field(description="how you chose to be reached")
    contact_channel_label: str | None
    meeting_plan: MeetingPlan
    feedback_open: bool = Field(description="the meeting's date has come and you have not given your feedback")
    thread: list[ThreadMessageOut] = Field(description="your messages with the counsellor")
    concerns: list[ConcernOut] = Field(description="the concerns you reported (the counsellor's are not shown)")

    @classmethod
    def of(cls, i: Introduction) -> RequestForPeer:
        job = jobs.job(i.target_job)
        return cls(
            purpose=i.purpose,
            purpose_label=PURPOSE_LABELS[i.purpose],
            target_job=i.target_job,
            target_job_label=job.label if job else i.target_job,
            meeting_modes=list(i.meeting_modes),
            counsellor_present=i.counsellor_present,
            message=i.message,
            questions=list(i.questions),
            mentoring_months=i.mentoring_months,
            status=i.status,
            expires_at=i.expires_at,
            feedback_given=Side.PEER in i.feedback,
            contact_channel=i.contact_channel,
            contact_channel_label=None if i.contact_channel is None else CONTACT_LABELS[i.contact_channel],
            meeting_plan=MeetingPlan.of(i),
            feedback_open=feedback_open(i, Side.PEER, datetime.now(UTC)),
            thread=thread_of(i),
            concerns=concerns_of(i, Side.PEER),
        )


class AnswerIn(BaseModel):
    accept: bool
    reason: DeclineReason | None = Field(default=None, description="declining needs no reason; one may be given")
    message: str = Field(default="", max_length=2000, description="for the counsellor")
    contact: ContactChannel = Field(
        default=ContactChannel.PLATFORM,
        description="accepting: how you want to be reached (through the platform, without giving your address; "
        "by e-mail; by phone); only the beneficiary's counsellor sees it",
    )


class ContactIn(BaseModel):
    channel: ContactChannel


async def linked(service: IntroductionService, key: str, token: str) -> Introduction:
    """The introduction the link is for: 403 for a link that is not one, 410 for an expired one, 404 when
    the introduction is gone."""
    introduction_id = PEER_INTRODUCTION.opened(key, token)
    try:
        return await service.get(introduction_id)
    except NotFound as error:
        raise NotFound("Cette demande n'existe plus.", code="introduction_not_found") from error


@router.get("/{token}", summary="The request, as the peer sees it")
async def read(token: str, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    return RequestForPeer.of(await linked(service, key, token))


@router.post("/{token}/answer", summary="Accept, or decline (a reason may be given, none is required)")
async def answer(token: str, body: AnswerIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    answered = await service.answer(
        introduction.id, body.accept, body.reason, body.message, datetime.now(UTC), body.contact
    )
    return RequestForPeer.of(answered)


@router.post("/{token}/contact", summary="Change how you are reached (shown to the beneficiary's counsellor only)")
async def contact(token: str, body: ContactIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    return RequestForPeer.of(await service.choose_contact(introduction, body.channel))


@router.post("/{token}/feedback", summary="After the meeting: did it take place, how useful (1-5), a comment")
async def feedback(token: str, body: FeedbackIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    given = await service.give_feedback(
        introduction, Actor.PEER, body.took_place, body.usefulness, body.comment, body.no_show
    )
    return RequestForPeer.of(given)


@router.post("/{token}/slots", summary="Propose up to three dated slots for the meeting; the counsellor picks one")
async def propose_slots(token: str, body: SlotsIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    slots = tuple(s.slot() for s in body.slots)
    return RequestForPeer.of(await service.propose_slots(introduction, slots, Actor.PEER))


@router.post("/{token}/slots/pick", summary="Pick one of the slots the counsellor proposed")
async def pick_slot(token: str, body: PickIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    return RequestForPeer.of(await service.pick_slot(introduction, body.proposal, body.slot, Actor.PEER))


@router.post("/{token}/appointment/cancel", summary="Cancel the meeting that stands: calendars remove it")
async def cancel_appointment(token: str, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    return RequestForPeer.of(await service.cancel_appointment(introduction, Actor.PEER))


@router.post("/{token}/messages", summary="Write to the counsellor (your address stays private)")
async def send_message(token: str, body: MessageIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    return RequestForPeer.of(await service.send_message(introduction, body.text, Actor.PEER))


@router.post(
    "/{token}/concerns",
    summary="Report a concern about the meeting to the agency (the person and their counsellor never see it)",
)
async def report_concern(token: str, body: ConcernIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    return RequestForPeer.of(await service.report_concern(introduction, body.reason, body.text, Actor.PEER))
