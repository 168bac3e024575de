"""The meeting's date, for the counsellor: propose up to three dated slots, pick one of the peer's,
cancel the meeting; and the shapes both sides read it in (the peer's link pages use them too)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field

from services.kit.identity import AgencyAdmin, AgencyStaff
from services.matching.deps import IntroductionServiceDep, own_introduction
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import (
    CONCERN_LABELS,
    MAX_MESSAGE_LENGTH,
    Concern,
    ConcernReason,
    Introduction,
    Side,
    ThreadMessage,
    concerns_seen_by,
)
from services.matching.domain.meeting import (
    VENUE_LABELS,
    Appointment,
    AppointmentStatus,
    Outcome,
    Slot,
    SlotProposal,
    Venue,
)

router = APIRouter(tags=["introductions"])


class SlotIn(BaseModel):
    starts_at: AwareDatetime = Field(description="with its offset, e.g. 2026-12-10T14:00:00+01:00")
    minutes: int = Field(default=60, ge=15, le=480)
    venue: Venue = Field(description="in_person (an address; the company's for a visit) or video (a link)")
    place: str = Field(default="", max_length=500, description="the address, or the video link (https://...)")
    at_agency: bool = Field(default=False, description="in person at the beneficiary's agency")

    def slot(self) -> Slot:
        return Slot(self.starts_at, self.minutes, self.venue, self.place.strip(), self.at_agency)


class SlotsIn(BaseModel):
    slots: list[SlotIn] = Field(min_length=1, max_length=3)


class PickIn(BaseModel):
    proposal: int = Field(ge=1, description="the proposal's number")
    slot: int = Field(ge=0, le=2, description="the slot's index within it")


class SlotOut(BaseModel):
    starts_at: datetime
    ends_at: datetime
    minutes: int
    venue: Venue
    venue_label: str
    place: str
    at_agency: bool

    @classmethod
    def of(cls, s: Slot) -> SlotOut:
        return cls(
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            minutes=s.minutes,
            venue=s.venue,
            venue_label=VENUE_LABELS[s.venue],
            place=s.place,
            at_agency=s.at_agency,
        )


class SlotProposalOut(BaseModel):
    number: int
    by: str = Field(description="peer, or beneficiary (their counsellor)")
    slots: list[SlotOut]
    proposed_at: datetime
    outcome: Outcome
    picked: int | None

    @classmethod
    def of(cls, p: SlotProposal) -> SlotProposalOut:
        slots = [SlotOut.of(s) for s in p.slots]
        return cls(number=p.number, by=p.by, slots=slots, proposed_at=p.proposed_at, outcome=p.outcome, picked=p.picked)


class AppointmentOut(BaseModel):
    sequence: int
    slot: SlotOut
    proposal: int
    by: str
    scheduled_at: datetime
    status: AppointmentStatus
    reminded: bool
    cancelled_by: str | None

    @classmethod
    def of(cls, a: Appointment) -> AppointmentOut:
        return cls(
            sequence=a.sequence,
            slot=SlotOut.of(a.slot),
            proposal=a.proposal,
            by=a.by,
            scheduled_at=a.scheduled_at,
            status=a.status,
            reminded=a.reminded,
            cancelled_by=a.cancelled_by,
        )


class MeetingPlan(BaseModel):
    """The meeting's dates as both sides read them: every proposal and appointment (the history), the one
    that stands."""

    slot_proposals: list[SlotProposalOut]
    appointments: list[AppointmentOut]
    appointment: AppointmentOut | None

    @classmethod
    def of(cls, i: Introduction) -> MeetingPlan:
        standing = i.appointment
        return cls(
            slot_proposals=[SlotProposalOut.of(p) for p in i.slot_proposals],
            appointments=[AppointmentOut.of(a) for a in i.appointments],
            appointment=None if standing is None else AppointmentOut.of(standing),
        )


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)


class ThreadMessageOut(BaseModel):
    number: int
    by: str = Field(description="peer, or beneficiary (their counsellor)")
    text: str
    sent_at: datetime

    @classmethod
    def of(cls, m: ThreadMessage) -> ThreadMessageOut:
        return cls(number=m.number, by=m.by, text=m.text, sent_at=m.sent_at)


def thread_of(i: Introduction) -> list[ThreadMessageOut]:
    return [ThreadMessageOut.of(m) for m in i.thread]


class ConcernIn(BaseModel):
    reason: ConcernReason
    text: str = Field(default="", max_length=MAX_MESSAGE_LENGTH, description="what happened, for the agency only")


class ReviewIn(BaseModel):
    resume_peer: bool = Field(description="the peer may meet again; false keeps them paused")


class ConcernOut(BaseModel):
    number: int
    by: str
    reason: ConcernReason
    reason_label: str
    text: str
    reported_at: datetime
    reviewed_at: datetime | None
    resume_peer: bool | None

    @classmethod
    def of(cls, c: Concern) -> ConcernOut:
        return cls(
            number=c.number,
            by=c.by,
            reason=c.reason,
            reason_label=CONCERN_LABELS[c.reason],
            text=c.text,
            reported_at=c.reported_at,
            reviewed_at=c.reviewed_at,
            resume_peer=c.resume_peer,
        )


def concerns_of(i: Introduction, side: Side | None) -> list[ConcernOut]:
    """A side's own concerns; every one for the agency's admin (`side` None)."""
    return [ConcernOut.of(c) for c in (i.concerns if side is None else concerns_seen_by(i, side))]


@router.post(
    "/introductions/{introduction_id}/concerns",
    summary="Report a concern about the meeting (signalement): the agency's admin reviews it, the peer is paused "
    "meanwhile; the peer never sees it",
)
async def report_concern(
    introduction_id: str, body: ConcernIn, caller: AgencyStaff, service: IntroductionServiceDep
) -> list[ConcernOut]:
    introduction = await own_introduction(service, introduction_id, caller)
    reported = await service.report_concern(introduction, body.reason, body.text, Actor.COUNSELLOR)
    return concerns_of(reported, Side.BENEFICIARY)


@router.get(
    "/introductions/{introduction_id}/concerns",
    summary="Every concern reported about this meeting, by either side (the agency's admin)",
)
async def concerns(introduction_id: str, caller: AgencyAdmin, service: IntroductionServiceDep) -> list[ConcernOut]:
    return concerns_of(await own_introduction(service, introduction_id, caller), None)


@router.post(
    "/introductions/{introduction_id}/concerns/{number}/review",
    summary="The agency's admin reviewed a concern: the peer may meet again, or stays paused",
)
async def review_concern(
    introduction_id: str, number: int, body: ReviewIn, caller: AgencyAdmin, service: IntroductionServiceDep
) -> list[ConcernOut]:
    introduction = await own_introduction(service, introduction_id, caller)
    reviewed = await service.review_concern(introduction, number, caller.staff_id, body.resume_peer)
    return concerns_of(reviewed, None)


@router.post(
    "/introductions/{introduction_id}/messages",
    summary="Write to the peer: the message is relayed by e-mail (a link to read and answer it), no address given",
)
async def send_message(
    introduction_id: str, body: MessageIn, caller: AgencyStaff, service: IntroductionServiceDep
) -> list[ThreadMessageOut]:
    introduction = await own_introduction(service, introduction_id, caller)
    return thread_of(await service.send_message(introduction, body.text, Actor.COUNSELLOR))


@router.post(
    "/introductions/{introduction_id}/slots",
    summary="Propose up to three dated slots for the meeting; the peer picks one by their link",
)
async def propose_slots(
    introduction_id: str, body: SlotsIn, caller: AgencyStaff, service: IntroductionServiceDep
) -> MeetingPlan:
    introduction = await own_introduction(service, introduction_id, caller)
    slots = tuple(s.slot() for s in body.slots)
    return MeetingPlan.of(await service.propose_slots(introduction, slots, Actor.COUNSELLOR))


@router.post(
    "/introductions/{introduction_id}/slots/pick",
    summary="Pick one of the slots the peer proposed: both get the calendar invitation",
)
async def pick_slot(
    introduction_id: str, body: PickIn, caller: AgencyStaff, service: IntroductionServiceDep
) -> MeetingPlan:
    introduction = await own_introduction(service, introduction_id, caller)
    return MeetingPlan.of(await service.pick_slot(introduction, body.proposal, body.slot, Actor.COUNSELLOR))


@router.post(
    "/introductions/{introduction_id}/appointment/cancel",
    summary="Cancel the meeting that stands (the introduction stays open): calendars remove it",
)
async def cancel_appointment(introduction_id: str, caller: AgencyStaff, service: IntroductionServiceDep) -> MeetingPlan:
    introduction = await own_introduction(service, introduction_id, caller)
    return MeetingPlan.of(await service.cancel_appointment(introduction, Actor.COUNSELLOR))
