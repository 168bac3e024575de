"""An introduction: the counsellor puts a beneficiary in touch with a peer for a purpose; the peer answers
by a secure link or the request expires after a reminder; the meeting is recorded; both sides give
feedback; an erased party's free text goes.

The life cycle is the TRANSITIONS table (which action leads where) and ACTORS (who may take it);
`decide` is the one pure function that applies a command and says which events it makes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from services.contracts.envelope import Envelope
from services.contracts.events import matching as contracts
from services.kit.domain import InvalidInput
from services.matching.domain.actor import Actor, NotYours
from services.matching.domain.events import event
from services.matching.domain.introduction_rules import (
    JOB_INQUIRY_GUIDE,
    Purpose,
    check_feedback,
    check_proposal,
    closest_target,
    deadlines,
)
from services.matching.domain.model import BeneficiaryView, PeerView


class Status(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    MET = "met"


class Action(StrEnum):
    PROPOSE = "propose"
    ACCEPT = "accept"
    DECLINE = "decline"
    REMIND = "remind"
    EXPIRE = "expire"
    CANCEL = "cancel"
    RECORD_MEETING = "record_meeting"
    GIVE_FEEDBACK = "give_feedback"
    ERASE = "erase"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.PROPOSED, Action.ACCEPT): Status.ACCEPTED,
    (Status.PROPOSED, Action.DECLINE): Status.DECLINED,
    (Status.PROPOSED, Action.REMIND): Status.PROPOSED,
    (Status.PROPOSED, Action.EXPIRE): Status.EXPIRED,
    (Status.PROPOSED, Action.CANCEL): Status.CANCELLED,
    (Status.ACCEPTED, Action.CANCEL): Status.CANCELLED,
    (Status.ACCEPTED, Action.RECORD_MEETING): Status.MET,
    (Status.ACCEPTED, Action.GIVE_FEEDBACK): Status.ACCEPTED,
    (Status.MET, Action.GIVE_FEEDBACK): Status.MET,
    **{(status, Action.ERASE): status for status in Status},
}
ACTORS: dict[Action, frozenset[Actor]] = {
    Action.PROPOSE: frozenset({Actor.COUNSELLOR}),
    Action.ACCEPT: frozenset({Actor.PEER}),
    Action.DECLINE: frozenset({Actor.PEER}),
    Action.REMIND: frozenset({Actor.SYSTEM}),
    Action.EXPIRE: frozenset({Actor.SYSTEM}),
    Action.CANCEL: frozenset({Actor.COUNSELLOR, Actor.SYSTEM}),
    Action.RECORD_MEETING: frozenset({Actor.COUNSELLOR, Actor.SYSTEM}),
    Action.GIVE_FEEDBACK: frozenset({Actor.COUNSELLOR, Actor.PEER}),  # for the beneficiary, or the peer's own
    Action.ERASE: frozenset({Actor.SYSTEM}),
}
OPEN = frozenset({Status.PROPOSED, Status.ACCEPTED})  # one open introduction per pair
HOLDS_SLOT = frozenset({Status.PROPOSED, Status.ACCEPTED, Status.MET})  # counts against the month's capacity
FEEDBACK_OPEN = frozenset({Status.ACCEPTED, Status.MET})

PAST = {
    Action.PROPOSE: "proposed",
    Action.ACCEPT: "accepted",
    Action.DECLINE: "declined",
    Action.REMIND: "reminded",
    Action.EXPIRE: "expired",
    Action.CANCEL: "cancelled",
    Action.RECORD_MEETING: "recorded as met",
    Action.GIVE_FEEDBACK: "given feedback",
    Action.ERASE: "erased",
}


class DeclineReason(StrEnum):
    NO_TIME = "no_time"
    NOT_MY_FIELD = "not_my_field"
    TOO_FAR = "too_far"
    NOT_NOW = "not_now"
    OTHER = "other"


class Side(StrEnum):
    PEER = "peer"
    BENEFICIARY = "beneficiary"


SIDE_OF = {Actor.PEER: Side.PEER, Actor.COUNSELLOR: Side.BENEFICIARY}  # whose feedback each actor gives


class RefusedTransition(Exception):
    """The introduction is not in a state where this can happen (409)."""


# -- the aggregate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    held_on: date
    mode: str | None  # none when a side reported it took place without details
    summary: str = ""


@dataclass(frozen=True)
class Feedback:
    took_place: bool
    usefulness: int | None  # 1 to 5, when it took place
    comment: str = ""


@dataclass(frozen=True)
class Places:
    """The numbered places an introduction holds under the proposal's rules while they apply (see
    `adapters.indexes`): the peer's slot of the month, the beneficiary's pending request, the open pair.
    None once given back (or for introductions from before places were numbered)."""

    capacity_slot: str | None = None  # "<peer>/<month>/<n>"
    pending_slot: str | None = None  # "<beneficiary>/<n>"
    open_pair: str | None = None  # "<beneficiary>/<peer>"


def place_number(place: str | None) -> int | None:
    """The number of a numbered place ("<...>/<n>"), None for none."""
    return int(place.rsplit("/", 1)[1]) if place else None


@dataclass(frozen=True)
class Introduction:
    id: str
    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    proposed_by: str  # the staff member who proposed it
    peer_id: str
    peer_agency_id: str
    purpose: Purpose
    target_job: str
    meeting_modes: tuple[str, ...]  # the ways both sides can meet
    message: str
    questions: tuple[str, ...]
    mentoring_months: int | None
    counsellor_present: bool  # a minor's introduction
    status: Status
    month: str  # when it was proposed, YYYY-MM: the month whose capacity it counts against
    holds_slot: bool
    places: Places
    proposed_at: datetime
    expires_at: datetime
    remind_at: datetime
    reminded: bool = False
    feedback: dict[Side, Feedback] = field(default_factory=dict)
    # absent (None) until the step that sets them
    answered_at: datetime | None = None
    decline_reason: DeclineReason | None = None
    answer_message: str | None = None  # also emptied by an erasure, answered or not
    cancelled_by: str | None = None  # empty when the platform cancelled it
    meeting: Meeting | None = None
    erased_party: str | None = None  # "beneficiary" or "peer"
    version: int = 1


# -- commands ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """What the counsellor asks for."""

    peer_id: str
    purpose: Purpose
    target_job: str | None = None  # the closest to the peer's path if left out
    message: str = ""
    mentoring_months: int | None = None
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Propose:
    """A proposal with everything it is made of, the places already chosen by the use case (it read the
    other introductions)."""

    introduction_id: str
    beneficiary: BeneficiaryView
    counsellor_id: str
    staff_id: str
    peer: PeerView
    proposal: Proposal
    capacity_place: int
    pending_place: int
    expiry_days: int
    reminder_days_before: int
    action = Action.PROPOSE


@dataclass(frozen=True)
class Answer:
    accept: bool
    reason: DeclineReason | None = None
    message: str = ""

    @property
    def action(self) -> Action:
        return Action.ACCEPT if self.accept else Action.DECLINE


@dataclass(frozen=True)
class Remind:
    action = Action.REMIND


@dataclass(frozen=True)
class Expire:
    action = Action.EXPIRE


@dataclass(frozen=True)
class Cancel:
    staff_id: str  # empty when the platform cancels (an erased party)
    action = Action.CANCEL


@dataclass(frozen=True)
class RecordMeeting:
    held_on: date
    mode: str | None
    summary: str = ""
    action = Action.RECORD_MEETING


@dataclass(frozen=True)
class GiveFeedback:
    took_place: bool
    usefulness: int | None
    comment: str = ""
    action = Action.GIVE_FEEDBACK


@dataclass(frozen=True)
class Erase:
    """Free text written about or by an erased person goes; the facts (ids, dates, codes) stay."""

    party: str  # "beneficiary" or "peer"
    action = Action.ERASE


Command = Propose | Answer | Remind | Expire | Cancel | RecordMeeting | GiveFeedback | Erase


# -- the life cycle ---------------------------------------------------------------------------------


def decide(
    introduction: Introduction | None, command: Command, actor: Actor, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    """The life cycle in one pure function: the table says whether, the command says what changes. A
    proposal makes a new introduction (there is none yet); every other step changes one."""
    if actor not in ACTORS[command.action]:
        raise NotYours(f"a {actor.value} cannot have an introduction {PAST[command.action]}")
    if isinstance(command, Propose):
        if introduction is not None:
            raise RefusedTransition(f"introduction {introduction.id} is already proposed")
        return _propose(command, now)
    if introduction is None:
        raise RefusedTransition(f"there is no introduction to have {PAST[command.action]}")
    if isinstance(command, Answer) and not command.accept and command.reason is None:
        raise InvalidInput([("reason", "Dites pourquoi vous déclinez.")])
    status = _next_status(introduction, command.action)
    match command:
        case Answer():
            return _answer(introduction, command, status, now)
        case Remind():
            return _remind(introduction)
        case Expire():
            return _step(introduction, status, "expired", contracts.IntroductionExpiredV1(**common(introduction)))
        case Cancel():
            payload = contracts.IntroductionCancelledV1(**common(introduction), by_staff_id=command.staff_id)
            cancelled = replace(introduction, cancelled_by=command.staff_id)
            return _step(cancelled, status, "cancelled", payload)
        case RecordMeeting():
            return _record_meeting(introduction, command, status)
        case GiveFeedback():
            return _give_feedback(introduction, command, SIDE_OF[actor])
        case Erase():
            return _erase(introduction, command), []
    raise AssertionError(f"unknown command {command!r}")


def _next_status(introduction: Introduction, action: Action) -> Status:
    after = TRANSITIONS.get((introduction.status, action))
    if after is not None:
        return after
    if action == Action.GIVE_FEEDBACK:
        raise RefusedTransition(
            f"feedback comes after an accepted introduction; this one is {introduction.status.value}"
        )
    raise RefusedTransition(f"an introduction that is {introduction.status.value} cannot be {PAST[action]}")


def _propose(command: Propose, now: datetime) -> tuple[Introduction, list[Envelope]]:
    beneficiary, peer, asked = command.beneficiary, command.peer, command.proposal
    check_proposal(asked.purpose, peer.meeting_modes, asked.mentoring_months, list(asked.questions))
    month = now.strftime("%Y-%m")
    times = deadlines(now, command.expiry_days, command.reminder_days_before)
    target = asked.target_job or closest_target(beneficiary, peer)
    questions = JOB_INQUIRY_GUIDE + asked.questions if asked.purpose == Purpose.JOB_INQUIRY else ()
    introduction = Introduction(
        id=command.introduction_id,
        beneficiary_id=beneficiary.beneficiary_id,
        agency_id=beneficiary.agency_id,
        counsellor_id=command.counsellor_id,
        proposed_by=command.staff_id,
        peer_id=peer.peer_id,
        peer_agency_id=peer.agency_id,
        purpose=asked.purpose,
        target_job=target,
        meeting_modes=tuple(sorted(beneficiary.meeting_modes & peer.meeting_modes)),
        message=asked.message,
        questions=questions,
        mentoring_months=asked.mentoring_months,
        counsellor_present=beneficiary.minor,
        status=Status.PROPOSED,
        month=month,
        holds_slot=True,
        places=Places(
            capacity_slot=f"{peer.peer_id}/{month}/{command.capacity_place}",
            pending_slot=f"{beneficiary.beneficiary_id}/{command.pending_place}",
            open_pair=f"{beneficiary.beneficiary_id}/{peer.peer_id}",
        ),
        proposed_at=now,
        expires_at=times.expires_at,
        remind_at=times.remind_at,
    )
    payload = contracts.IntroductionProposedV1(
        **common(introduction),
        target_job=target,
        meeting_modes=list(introduction.meeting_modes),
        counsellor_present=introduction.counsellor_present,
        expires_at=times.expires_at,
    )
    return introduction, [_event(introduction, "proposed", payload)]


def _answer(
    introduction: Introduction, command: Answer, status: Status, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    reason = None if command.accept else command.reason
    answered = replace(introduction, answered_at=now, decline_reason=reason, answer_message=command.message)
    payload = contracts.IntroductionAnsweredV1(
        **common(introduction),
        accepted=command.accept,
        decline_reason=reason.value if reason else None,
        answered_at=now,
    )
    return _step(answered, status, "answered", payload)


def _remind(introduction: Introduction) -> tuple[Introduction, list[Envelope]]:
    if introduction.reminded:
        raise RefusedTransition("the peer has already been reminded of this request")
    payload = contracts.IntroductionReminderDueV1(**common(introduction), expires_at=introduction.expires_at)
    return _changed(replace(introduction, reminded=True), "reminder_due", payload)


def _record_meeting(
    introduction: Introduction, command: RecordMeeting, status: Status
) -> tuple[Introduction, list[Envelope]]:
    if command.mode is not None and command.mode not in introduction.meeting_modes:
        raise InvalidInput([("mode", "Choisissez une des façons de se rencontrer convenues.")])
    payload = contracts.MeetingRecordedV1(**common(introduction), held_on=command.held_on, mode=command.mode)
    met = replace(introduction, meeting=Meeting(command.held_on, command.mode, command.summary))
    return _step(met, status, "meeting_recorded", payload)


def _give_feedback(
    introduction: Introduction, command: GiveFeedback, side: Side
) -> tuple[Introduction, list[Envelope]]:
    if side in introduction.feedback:
        raise RefusedTransition(f"the {side.value} has already given feedback on this introduction")
    check_feedback(command.took_place, command.usefulness)
    payload = contracts.FeedbackGivenV1(
        **common(introduction), side=side.value, took_place=command.took_place, usefulness=command.usefulness
    )
    given = {**introduction.feedback, side: Feedback(command.took_place, command.usefulness, command.comment)}
    return _changed(replace(introduction, feedback=given), "feedback_given", payload)


def meeting_follows(introduction: Introduction, feedback: GiveFeedback) -> bool:
    """A feedback saying the meeting took place counts as the meeting when nobody recorded it."""
    return feedback.took_place and introduction.status == Status.ACCEPTED


def _erase(introduction: Introduction, command: Erase) -> Introduction:
    meeting = None if introduction.meeting is None else replace(introduction.meeting, summary="")
    feedback = {side: replace(given, comment="") for side, given in introduction.feedback.items()}
    return replace(
        introduction,
        message="",
        answer_message="",
        questions=(),
        erased_party=command.party,
        meeting=meeting,
        feedback=feedback,
        version=introduction.version + 1,
    )


def _step(
    introduction: Introduction, status: Status, step: str, payload: contracts.IntroductionEventV1
) -> tuple[Introduction, list[Envelope]]:
    """A change of status, with the places it gives back: the pending request once answered or ended, the
    pair once closed, the slot once it holds none."""
    holds_slot = introduction.holds_slot and status in HOLDS_SLOT
    places = Places(
        capacity_slot=introduction.places.capacity_slot if holds_slot else None,
        pending_slot=introduction.places.pending_slot if status == Status.PROPOSED else None,
        open_pair=introduction.places.open_pair if status in OPEN else None,
    )
    return _changed(replace(introduction, status=status, holds_slot=holds_slot, places=places), step, payload)


def _changed(
    introduction: Introduction, step: str, payload: contracts.IntroductionEventV1
) -> tuple[Introduction, list[Envelope]]:
    changed = replace(introduction, version=introduction.version + 1)
    return changed, [_event(changed, step, payload)]


def _event(introduction: Introduction, step: str, payload: contracts.IntroductionEventV1) -> Envelope:
    return event(
        f"matching.introduction.{step}",
        "introduction",
        introduction.id,
        introduction.version,
        introduction.agency_id,
        payload,
    )


def common(introduction: Introduction) -> dict[str, Any]:
    """What every introduction event says: who, for whom, why."""
    return {
        "introduction_id": introduction.id,
        "beneficiary_id": introduction.beneficiary_id,
        "agency_id": introduction.agency_id,
        "counsellor_id": introduction.counsellor_id,
        "peer_id": introduction.peer_id,
        "purpose": introduction.purpose.value,
    }
