"""Payloads published by the matching service."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class SuggestionOfferedV1(BaseModel):
    """A peer newly entered a beneficiary's top list (not sent again while they stay in it)."""

    model_config = ConfigDict(extra="ignore")

    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    peer_id: str
    rank: int = Field(ge=1)
    score: float
    reasons: list[str] = Field(description="in French, without personal data: jobs, distances, languages")


class SuggestionDismissedV1(BaseModel):
    """The counsellor decided this peer is not for this beneficiary; never suggested again."""

    model_config = ConfigDict(extra="ignore")

    beneficiary_id: str
    agency_id: str
    peer_id: str
    staff_id: str


class SuggestionListRankedV1(BaseModel):
    """A beneficiary's top list as it now stands, after any change of it (`offered` announces only the peers
    who enter it). Every matching instance keeps the lists in memory and follows them by this event."""

    model_config = ConfigDict(extra="ignore")

    beneficiary_id: str
    agency_id: str | None = Field(default=None, description="none once the beneficiary is erased")
    peers: list[str] = Field(description="peer ids, best first; empty when nobody fits")
    threshold: float = Field(description="the score a peer must beat to enter: the last place's when the list is full")


class IntroductionPurpose(StrEnum):
    JOB_INQUIRY = "job_inquiry"
    TESTIMONY = "testimony"
    COMPANY_VISIT = "company_visit"
    MENTORING = "mentoring"


class IntroductionEventV1(BaseModel):
    """What every introduction event says: who, for whom, why. No names, contacts or free text."""

    model_config = ConfigDict(extra="ignore")

    introduction_id: str
    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    peer_id: str
    purpose: IntroductionPurpose


class IntroductionProposedV1(IntroductionEventV1):
    target_job: str = Field(description="ROME code of the job the beneficiary explores")
    meeting_modes: list[str]
    counsellor_present: bool = Field(description="a minor's introduction: the counsellor takes part")
    expires_at: datetime


class IntroductionPreparedV1(IntroductionEventV1):
    """The counsellor prepared an introduction that waits for the beneficiary's agreement: nothing goes to the
    peer until then (`proposed` follows the agreement, `beneficiary_declined` a refusal)."""

    target_job: str = Field(description="ROME code of the job the beneficiary explores")
    counsellor_present: bool = Field(description="a minor's introduction: the counsellor takes part")


class BeneficiaryDeclinedV1(IntroductionEventV1):
    """The beneficiary does not want this introduction (no reason asked): it never reached the peer."""


class IntroductionReminderDueV1(IntroductionEventV1):
    """The peer has not answered and the request expires soon: remind them."""

    expires_at: datetime


class IntroductionAnsweredV1(IntroductionEventV1):
    accepted: bool
    decline_reason: str | None = Field(default=None, description="a code: no_time, not_my_field, ...")
    answered_at: datetime


class IntroductionExpiredV1(IntroductionEventV1):
    pass


class IntroductionCancelledV1(IntroductionEventV1):
    by_staff_id: str = Field(description="empty when the platform cancelled it: a party was erased")


class MeetingRecordedV1(IntroductionEventV1):
    held_on: date
    mode: str | None = Field(default=None, description="none when a side reported it took place without details")


class FeedbackGivenV1(IntroductionEventV1):
    side: str = Field(description="peer or beneficiary")
    took_place: bool
    usefulness: int | None = Field(default=None, ge=1, le=5)
    no_show: bool = Field(default=False, description="it did not take place: the other side did not come")
    project_effect: str | None = Field(
        default=None,
        description="the beneficiary's side, once it took place: confirms, adjusts, questions or no_change",
    )


class ContactChosenV1(IntroductionEventV1):
    """The peer chose (or changed) how they are reached. Which way, and the address, stay in matching: the
    beneficiary's counsellor reads them there."""


class SlotsProposedV1(IntroductionEventV1):
    """One side proposed dated slots for the meeting; the other picks one. Where stays in matching."""

    by_side: str = Field(description="peer, or beneficiary (their counsellor)")
    slots: int = Field(ge=1, le=3, description="how many")
    expires_at: datetime = Field(description="the request's answer deadline: the peer's link is signed from it")


def meeting_uid(introduction_id: str) -> str:
    """The calendar UID of an introduction's meeting, the same for every change of it (calendars update or
    remove the event they hold by it): agreed here by matching, which schedules, and notifications, which
    writes the invitations."""
    return f"{introduction_id}@parcours"


class MeetingScheduledV1(IntroductionEventV1):
    """A slot was picked: the meeting is in calendars (one event per introduction, `sequence` grows with
    each change; a rescheduled meeting keeps its event). Where it is held is read from matching."""

    by_side: str = Field(description="the side that picked it")
    starts_at: datetime
    ends_at: datetime
    sequence: int = Field(ge=0)
    rescheduled: bool
    counsellor_present: bool = Field(
        default=False, description="a minor's meeting: their legal representative receives the invitation too"
    )
    expires_at: datetime = Field(description="the request's answer deadline: the peer's link is signed from it")


class MeetingCancelledV1(IntroductionEventV1):
    """The meeting will not take place at that time: calendars remove it."""

    by_side: str = Field(description="peer, beneficiary, or empty when the platform cancelled it")
    starts_at: datetime
    sequence: int = Field(ge=0)
    counsellor_present: bool = Field(
        default=False, description="a minor's meeting: their legal representative receives the invitation too"
    )
    expires_at: datetime = Field(description="the request's answer deadline: the peer's link is signed from it")


class MeetingReminderDueV1(IntroductionEventV1):
    """The meeting is tomorrow: remind both sides."""

    starts_at: datetime
    sequence: int = Field(ge=0)
    counsellor_present: bool = Field(
        default=False, description="a minor's meeting: their legal representative receives the invitation too"
    )
    expires_at: datetime = Field(description="the request's answer deadline: the peer's link is signed from it")


class MessageSentV1(IntroductionEventV1):
    """A message in the thread between the counsellor and the peer: the other side is told there is one to
    read (the text stays in matching)."""

    by_side: str = Field(description="peer, or beneficiary (their counsellor)")
    expires_at: datetime = Field(description="the request's answer deadline: the peer's link is signed from it")


class ConcernReportedV1(IntroductionEventV1):
    """A side reported a concern about the meeting: the agency's admin reviews it, the peer is paused
    meanwhile (profiles pauses them). What was reported stays in matching, never shown to the other side."""

    by_side: str = Field(description="peer, or beneficiary (their counsellor)")
    concern: int = Field(ge=1, description="its number within the introduction")


class ConcernReviewedV1(IntroductionEventV1):
    """The agency's admin reviewed a concern."""

    concern: int = Field(ge=1)
    resume_peer: bool = Field(description="the peer may meet again (no other concern waits): profiles resumes them")
