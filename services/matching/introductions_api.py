"""Introductions, for counsellors (thin): propose, list, read, cancel, record the meeting, give the
beneficiary's feedback; and the operator's trigger of the reminder and expiry job."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, Field

from services.contracts.events.profiles import MeetingMode
from services.kit.auth import operator_moment, require_operator
from services.kit.identity import AgencyStaff, Caller
from services.kit.mongo import Document
from services.kit.pagination import After, announce_next
from services.matching.api import own_beneficiary
from services.matching.domain.introduction import PURPOSE_LABELS, Purpose, Side, Status
from services.matching.introductions import IntroductionDesk, NotFound, Proposal
from services.matching.rematching import Rematcher

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


class MeetingIn(BaseModel):
    held_on: date
    mode: MeetingMode
    summary: str = Field(default="", max_length=4000, description="job inquiry: the beneficiary's short summary")


class FeedbackIn(BaseModel):
    took_place: bool
    usefulness: int | None = Field(default=None, ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


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
    answer_message: str
    meeting: dict[str, Any] | None
    feedback: dict[str, Any]

    @classmethod
    def of(cls, d: Document) -> IntroductionOut:
        return cls(
            introduction_id=d["_id"],
            beneficiary_id=d["beneficiary_id"],
            peer_id=d["peer_id"],
            purpose=Purpose(d["purpose"]),
            purpose_label=PURPOSE_LABELS[Purpose(d["purpose"])],
            target_job=d["target_job"],
            status=Status(d["status"]),
            meeting_modes=d["meeting_modes"],
            counsellor_present=d["counsellor_present"],
            message=d.get("message", ""),
            questions=d.get("questions", []),
            mentoring_months=d.get("mentoring_months"),
            proposed_at=d["proposed_at"],
            expires_at=d["expires_at"],
            answered_at=d.get("answered_at"),
            decline_reason=d.get("decline_reason"),
            answer_message=d.get("answer_message", ""),
            meeting=d.get("meeting"),
            feedback=d.get("feedback", {}),
        )


def desk_of(request: Request) -> IntroductionDesk:
    desk: IntroductionDesk = request.app.state.introductions
    return desk


async def own_introduction(request: Request, introduction_id: str, caller: Caller) -> Document:
    try:
        document = await desk_of(request).get(introduction_id)
    except NotFound:
        document = None
    if document is None or document["agency_id"] != caller.agency_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no introduction {introduction_id} in your agency")
    return document


@router.post(
    "/beneficiaries/{beneficiary_id}/introductions",
    status_code=status.HTTP_201_CREATED,
    summary="Propose an introduction to a peer; the peer answers by a secure link",
)
async def propose(beneficiary_id: str, body: ProposalIn, caller: AgencyStaff, request: Request) -> IntroductionOut:
    document = await own_beneficiary(request, beneficiary_id, caller)
    rematcher: Rematcher = request.app.state.rematcher
    proposal = Proposal(
        body.peer_id, body.purpose, body.target_job, body.message, body.mentoring_months, tuple(body.questions)
    )
    if body.target_job is not None and body.target_job not in document["target_jobs"]:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"{body.target_job} is not one of this beneficiary's target jobs"
        )
    introduction = await desk_of(request).propose(
        rematcher.view(document), document["counsellor_id"], caller.staff_id, proposal, datetime.now(UTC)
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
    request: Request,
    response: Response,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    beneficiary_id: str | None = None,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[IntroductionOut]:
    found = await desk_of(request).of_agency(caller.agency_id, status_, beneficiary_id, after, limit)
    page = [IntroductionOut.of(d) for d in found]
    announce_next(request, response, page, limit, lambda i: i.introduction_id)
    return page


@router.get("/introductions/{introduction_id}", summary="One introduction")
async def introduction(introduction_id: str, caller: AgencyStaff, request: Request) -> IntroductionOut:
    return IntroductionOut.of(await own_introduction(request, introduction_id, caller))


@router.post("/introductions/{introduction_id}/cancel", summary="Cancel a proposed or accepted introduction")
async def cancel(introduction_id: str, caller: AgencyStaff, request: Request) -> IntroductionOut:
    document = await own_introduction(request, introduction_id, caller)
    return IntroductionOut.of(await desk_of(request).cancel(document, caller.staff_id))


@router.post("/introductions/{introduction_id}/meeting", summary="Record the meeting of an accepted introduction")
async def meeting(introduction_id: str, body: MeetingIn, caller: AgencyStaff, request: Request) -> IntroductionOut:
    document = await own_introduction(request, introduction_id, caller)
    recorded = await desk_of(request).record_meeting(document, body.held_on, body.mode.value, body.summary)
    return IntroductionOut.of(recorded)


@router.post(
    "/introductions/{introduction_id}/feedback",
    summary="The beneficiary's feedback, entered by their counsellor (did it take place, useful 1-5, comment)",
)
async def feedback(introduction_id: str, body: FeedbackIn, caller: AgencyStaff, request: Request) -> IntroductionOut:
    document = await own_introduction(request, introduction_id, caller)
    given = await desk_of(request).feedback(document, Side.BENEFICIARY, body.took_place, body.usefulness, body.comment)
    return IntroductionOut.of(given)


@router.post(
    "/operations/introductions/sweep",
    dependencies=[Depends(require_operator)],
    tags=["operations"],
    summary="Send due reminders and expire late requests now (it also runs every minute); `as_of` moves the clock",
)
async def sweep(request: Request, as_of: Annotated[datetime | None, Query()] = None) -> dict[str, int]:
    return await desk_of(request).sweep(operator_moment(request, as_of))
