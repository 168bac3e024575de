"""What a peer does from the secure link in their e-mail, without an account: read the request, accept
or decline it, and later give feedback. The link is the credential: signed, for this introduction only,
expiring (see `services.contracts.links`)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field

from services.contracts.links import PEER_INTRODUCTION
from services.kit import links
from services.kit.mongo import Document
from services.matching.domain.introduction import PURPOSE_LABELS, DeclineReason, Purpose, Side, Status
from services.matching.introductions import NotFound
from services.matching.introductions_api import FeedbackIn, desk_of
from services.reference import jobs

router = APIRouter(prefix="/links/introductions", tags=["peer links"])


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


class AnswerIn(BaseModel):
    accept: bool
    reason: DeclineReason | None = Field(default=None, description="required to decline")
    message: str = Field(default="", max_length=2000, description="for the counsellor")


async def _introduction(request: Request, token: str) -> Document:
    try:
        introduction_id = PEER_INTRODUCTION.subject(request.app.state.link_key, token)
        return await desk_of(request).get(introduction_id)
    except links.InvalidLink as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from error
    except NotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this introduction no longer exists") from error


def _for_peer(d: Document) -> RequestForPeer:
    job = jobs.job(d["target_job"])
    return RequestForPeer(
        purpose=Purpose(d["purpose"]),
        purpose_label=PURPOSE_LABELS[Purpose(d["purpose"])],
        target_job=d["target_job"],
        target_job_label=job.label if job else d["target_job"],
        meeting_modes=d["meeting_modes"],
        counsellor_present=d["counsellor_present"],
        message=d.get("message", ""),
        questions=d.get("questions", []),
        mentoring_months=d.get("mentoring_months"),
        status=Status(d["status"]),
        expires_at=d["expires_at"],
        feedback_given=Side.PEER.value in d.get("feedback", {}),
    )


@router.get("/{token}", summary="The request, as the peer sees it")
async def read(token: str, request: Request) -> RequestForPeer:
    return _for_peer(await _introduction(request, token))


@router.post("/{token}/answer", summary="Accept, or decline with a reason")
async def answer(token: str, body: AnswerIn, request: Request) -> RequestForPeer:
    document = await _introduction(request, token)
    answered = await desk_of(request).answer(document["_id"], body.accept, body.reason, body.message, datetime.now(UTC))
    return _for_peer(answered)


@router.post("/{token}/feedback", summary="After the meeting: did it take place, how useful (1-5), a comment")
async def feedback(token: str, body: FeedbackIn, request: Request) -> RequestForPeer:
    document = await _introduction(request, token)
    given = await desk_of(request).feedback(document, Side.PEER, body.took_place, body.usefulness, body.comment)
    return _for_peer(given)
