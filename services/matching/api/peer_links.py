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
from services.matching.deps import IntroductionServiceDep, LinkKey
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import DeclineReason, Introduction, Side, Status
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
        )


class AnswerIn(BaseModel):
    accept: bool
    reason: DeclineReason | None = Field(default=None, description="required to decline")
    message: str = Field(default="", max_length=2000, description="for the counsellor")


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


@router.post("/{token}/answer", summary="Accept, or decline with a reason")
async def answer(token: str, body: AnswerIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    answered = await service.answer(introduction.id, body.accept, body.reason, body.message, datetime.now(UTC))
    return RequestForPeer.of(answered)


@router.post("/{token}/feedback", summary="After the meeting: did it take place, how useful (1-5), a comment")
async def feedback(token: str, body: FeedbackIn, service: IntroductionServiceDep, key: LinkKey) -> RequestForPeer:
    introduction = await linked(service, key, token)
    given = await service.give_feedback(introduction, Actor.PEER, body.took_place, body.usefulness, body.comment)
    return RequestForPeer.of(given)
