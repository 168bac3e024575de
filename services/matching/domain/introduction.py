"""An introduction: the counsellor puts a beneficiary in touch with a peer for a purpose, once the
beneficiary agreed (no one is obliged: either side may decline, without a reason); the peer answers
by a secure link or the request expires after a reminder; the meeting is recorded; both sides give
feedback; an erased party's free text goes.

The life cycle is the TRANSITIONS table (which action leads where) and ACTORS (who may take it);
`decide` is the one pure function that applies a command and says which events it makes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
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
from services.matching.domain.meeting import (
    PARIS,
    Appointment,
    AppointmentStatus,
    Outcome,
    Slot,
    SlotProposal,
    check_slots,
    current,
    next_sequence,
    open_proposal,
)
from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.preparation import ProjectEffect, check_debrief


class Status(StrEnum):
    AWAITING_BENEFICIARY = "awaiting_beneficiary"  # prepared: nothing reaches the peer before the agreement
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    MET = "met"


class Action(StrEnum):
    PROPOSE = "propose"
    AGREE = "agree"  # the beneficiary agrees: the request goes to the peer
    BENEFICIARY_DECLINE = "beneficiary_decline"  # the beneficiary does not want it: it never reaches the peer
    ACCEPT = "accept"
    DECLINE = "decline"
    REMIND = "remind"
    EXPIRE = "expire"
    CANCEL = "cancel"
    RECORD_MEETING = "record_meeting"
    GIVE_FEEDBACK = "give_feedback"
    CHOOSE_CONTACT = "choose_contact"
    PROPOSE_SLOTS = "propose_slots"
    PICK_SLOT = "pick_slot"
    CANCEL_APPOINTMENT = "cancel_appointment"
    REMIND_APPOINTMENT = "remind_appointment"
    SEND_MESSAGE = "send_message"
    REPORT_CONCERN = "report_concern"
    REVIEW_CONCERN = "review_concern"
    ERASE = "erase"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.AWAITING_BENEFICIARY, Action.AGREE): Status.PROPOSED,
    (Status.AWAITING_BENEFICIARY, Action.BENEFICIARY_DECLINE): Status.DECLINED,
    (Status.AWAITING_BENEFICIARY, Action.EXPIRE): Status.EXPIRED,
    (Status.AWAITING_BENEFICIARY, Action.CANCEL): Status.CANCELLED,
    (Status.PROPOSED, Action.ACCEPT): Status.ACCEPTED,
    (Status.PROPOSED, Action.DECLINE): Status.DECLINED,
    (Status.PROPOSED, Action.REMIND): Status.PROPOSED,
    (Status.PROPOSED, Action.EXPIRE): Status.EXPIRED,
    (Status.PROPOSED, Action.CANCEL): Status.CANCELLED,
    (Status.ACCEPTED, Action.CANCEL): Status.CANCELLED,
    (Status.ACCEPTED, Action.RECORD_MEETING): Status.MET,
    (Status.ACCEPTED, Action.GIVE_FEEDBACK): Status.ACCEPTED,
    (Status.MET, Action.GIVE_FEEDBACK): Status.MET,
    (Status.ACCEPTED, Action.CHOOSE_CONTACT): Status.ACCEPTED,
    (Status.MET, Action.CHOOSE_CONTACT): Status.MET,
    # the meeting's date: slots proposed by one side, one picked by the other, rescheduled, cancelled, reminded
    (Status.ACCEPTED, Action.PROPOSE_SLOTS): Status.ACCEPTED,
    (Status.ACCEPTED, Action.PICK_SLOT): Status.ACCEPTED,
    (Status.ACCEPTED, Action.CANCEL_APPOINTMENT): Status.ACCEPTED,
    (Status.ACCEPTED, Action.REMIND_APPOINTMENT): Status.ACCEPTED,
    # a short thread between the counsellor and the peer, from the yes to the feedback
    (Status.ACCEPTED, Action.SEND_MESSAGE): Status.ACCEPTED,
    (Status.MET, Action.SEND_MESSAGE): Status.MET,
    # a concern about the meeting (signalement): to the agency's admin, never shown to the other side
    **{(status, Action.REPORT_CONCERN): status for status in (Status.ACCEPTED, Status.MET, Status.CANCELLED)},
    **{(status, Action.REVIEW_CONCERN): status for status in (Status.ACCEPTED, Status.MET, Status.CANCELLED)},
    **{(status, Action.ERASE): status for status in Status},
}
ACTORS: dict[Action, frozenset[Actor]] = {
    Action.PROPOSE: frozenset({Actor.COUNSELLOR}),
    # the counsellor records the beneficiary's answer (they said it in the interview, or by phone)
    Action.AGREE: frozenset({Actor.COUNSELLOR}),
    Action.BENEFICIARY_DECLINE: frozenset({Actor.COUNSELLOR}),
    Action.ACCEPT: frozenset({Actor.PEER}),
    Action.DECLINE: frozenset({Actor.PEER}),
    Action.REMIND: frozenset({Actor.SYSTEM}),
    Action.EXPIRE: frozenset({Actor.SYSTEM}),
    Action.CANCEL: frozenset({Actor.COUNSELLOR, Actor.SYSTEM}),
    Action.RECORD_MEETING: frozenset({Actor.COUNSELLOR, Actor.SYSTEM}),
    Action.GIVE_FEEDBACK: frozenset({Actor.COUNSELLOR, Actor.PEER}),  # for the beneficiary, or the peer's own
    Action.CHOOSE_CONTACT: frozenset({Actor.PEER}),  # how they are reached is the peer's choice alone
    Action.PROPOSE_SLOTS: frozenset({Actor.COUNSELLOR, Actor.PEER}),
    Action.PICK_SLOT: frozenset({Actor.COUNSELLOR, Actor.PEER}),  # from the other side's proposal
    Action.CANCEL_APPOINTMENT: frozenset({Actor.COUNSELLOR, Actor.PEER}),
    Action.REMIND_APPOINTMENT: frozenset({Actor.SYSTEM}),
    Action.SEND_MESSAGE: frozenset({Actor.COUNSELLOR, Actor.PEER}),
    Action.REPORT_CONCERN: frozenset({Actor.COUNSELLOR, Actor.PEER}),
    Action.REVIEW_CONCERN: frozenset({Actor.ADMIN}),
    Action.ERASE: frozenset({Actor.SYSTEM}),
}
OPEN = frozenset({Status.AWAITING_BENEFICIARY, Status.PROPOSED, Status.ACCEPTED})  # one open introduction per pair
# counts against the month's capacity (a prepared one too: the agreement must find the slot still there)
HOLDS_SLOT = frozenset({Status.AWAITING_BENEFICIARY, Status.PROPOSED, Status.ACCEPTED, Status.MET})
PENDING = frozenset({Status.AWAITING_BENEFICIARY, Status.PROPOSED})  # waits for an answer: the beneficiary's limit
FEEDBACK_OPEN = frozenset({Status.ACCEPTED, Status.MET})

# how a refusal names the step and the state it met, in the words people read
STEP_WORDS = {
    Action.PROPOSE: "la proposer",
    Action.AGREE: "y noter l'accord du bénéficiaire",
    Action.BENEFICIARY_DECLINE: "y noter le refus du bénéficiaire",
    Action.ACCEPT: "l'accepter",
    Action.DECLINE: "la décliner",
    Action.REMIND: "relancer le pair",
    Action.EXPIRE: "la faire expirer",
    Action.CANCEL: "l'annuler",
    Action.RECORD_MEETING: "y enregistrer une rencontre",
    Action.GIVE_FEEDBACK: "y donner un retour",
    Action.CHOOSE_CONTACT: "y choisir un moyen de contact",
    Action.PROPOSE_SLOTS: "y proposer des créneaux",
    Action.PICK_SLOT: "y choisir un créneau",
    Action.CANCEL_APPOINTMENT: "en annuler la rencontre",
    Action.REMIND_APPOINTMENT: "en rappeler la rencontre",
    Action.SEND_MESSAGE: "y envoyer un message",
    Action.REPORT_CONCERN: "y faire un signalement",
    Action.REVIEW_CONCERN: "en examiner un signalement",
    Action.ERASE: "l'effacer",
}
STATUS_WORDS = {
    Status.AWAITING_BENEFICIARY: "en attente de l'accord du bénéficiaire",
    Status.PROPOSED: "proposée",
    Status.ACCEPTED: "acceptée",
    Status.DECLINED: "déclinée",
    Status.EXPIRED: "expirée",
    Status.CANCELLED: "annulée",
    Status.MET: "close par une rencontre",
}


class DeclineReason(StrEnum):
    NO_TIME = "no_time"
    NOT_MY_FIELD = "not_my_field"
    TOO_FAR = "too_far"
    NOT_NOW = "not_now"
    OTHER = "other"


class ContactChannel(StrEnum):
    """How the peer is reached, their choice: through the platform (messages relayed by e-mail, no address
    given), or their e-mail address, or their phone number, shown to the beneficiary's counsellor only."""

    PLATFORM = "platform"
    EMAIL = "email"
    PHONE = "phone"


CONTACT_LABELS = {
    ContactChannel.PLATFORM: "Par la plateforme (messages relayés par e-mail, sans adresse communiquée)",
    ContactChannel.EMAIL: "Par e-mail",
    ContactChannel.PHONE: "Par téléphone",
}


class Side(StrEnum):
    PEER = "peer"
    BENEFICIARY = "beneficiary"


SIDE_WORDS = {Side.PEER: "Le pair", Side.BENEFICIARY: "Le bénéficiaire"}
SIDE_OF = {Actor.PEER: Side.PEER, Actor.COUNSELLOR: Side.BENEFICIARY}  # whose feedback each actor gives


class RefusedTransition(Exception):
    """The introduction is not in a state where this can happen (409), said in French as it is; `code`
    names the kind of refusal for programs (the meeting's steps have their own)."""

    def __init__(self, message: str, code: str = "introduction_wrong_status") -> None:
        super().__init__(message)
        self.code = code


def _meeting_refused(message: str) -> RefusedTransition:
    return RefusedTransition(message, code="meeting_step_refused")


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
    comment: str = ""  # the beneficiary's side: what the beneficiary takes from it (the debrief)
    no_show: bool = False  # it did not take place: the other side did not come
    project_effect: ProjectEffect | None = None  # the beneficiary's side: what it changes to the project


@dataclass(frozen=True)
class ThreadMessage:
    """One message of the thread between the counsellor and the peer (kept in matching only)."""

    number: int  # 1, 2, ...
    by: str  # "peer" or "beneficiary" (their counsellor)
    text: str
    sent_at: datetime


class ConcernReason(StrEnum):
    BEHAVIOUR = "behaviour"  # inappropriate words or behaviour
    SAFETY = "safety"  # felt unsafe
    NO_SHOW = "no_show"  # did not come, repeatedly or without a word
    OTHER = "other"


CONCERN_LABELS = {
    ConcernReason.BEHAVIOUR: "Propos ou comportement déplacés",
    ConcernReason.SAFETY: "Sentiment d'insécurité",
    ConcernReason.NO_SHOW: "Absence sans prévenir",
    ConcernReason.OTHER: "Autre",
}


@dataclass(frozen=True)
class Concern:
    """A concern (signalement) about the meeting: read by the agency's admin and its author, never by the
    other side; the peer is paused until it is reviewed."""

    number: int
    by: str  # "peer" or "beneficiary" (their counsellor)
    reason: ConcernReason
    text: str
    reported_at: datetime
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None  # the admin
    resume_peer: bool | None = None  # the review's outcome: the peer may meet again, or stays paused


MAX_MESSAGES = 50
MAX_MESSAGE_LENGTH = 2000


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
    # when the request went to the peer, once the beneficiary agreed; None while it waits for the agreement
    sent_at: datetime | None = None
    declined_by: Side | None = None  # who declined, once declined: either side may, without a reason
    feedback: dict[Side, Feedback] = field(default_factory=dict)
    # absent (None) until the step that sets them
    answered_at: datetime | None = None
    decline_reason: DeclineReason | None = None
    answer_message: str | None = None  # also emptied by an erasure, answered or not
    cancelled_by: str | None = None  # empty when the platform cancelled it
    meeting: Meeting | None = None
    erased_party: str | None = None  # "beneficiary" or "peer"
    contact_channel: ContactChannel | None = None  # the peer's choice, from their acceptance on
    slot_proposals: tuple[SlotProposal, ...] = ()  # every proposal of dates, oldest first (the history)
    appointments: tuple[Appointment, ...] = ()  # every slot picked, oldest first; the last may stand
    thread: tuple[ThreadMessage, ...] = ()  # the messages between the counsellor and the peer, oldest first
    concerns: tuple[Concern, ...] = ()  # reported about the meeting, by either side
    version: int = 1

    @property
    def appointment(self) -> Appointment | None:
        """The meeting that stands, if one is scheduled."""
        return current(self.appointments)


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
    beneficiary_agreed: bool = False  # the counsellor says the beneficiary agreed: the request goes at once


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
    contact: ContactChannel = ContactChannel.PLATFORM  # accepting: how the peer wants to be reached

    @property
    def action(self) -> Action:
        return Action.ACCEPT if self.accept else Action.DECLINE


@dataclass(frozen=True)
class Agreement:
    """The beneficiary's answer, as their counsellor records it: agreed, or not (no reason asked)."""

    agreed: bool

    @property
    def action(self) -> Action:
        return Action.AGREE if self.agreed else Action.BENEFICIARY_DECLINE


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
    no_show: bool = False  # it did not take place because the other side did not come
    project_effect: ProjectEffect | None = None  # the debrief, on the beneficiary's side
    action = Action.GIVE_FEEDBACK


@dataclass(frozen=True)
class ChooseContact:
    """The peer changes how they are reached (from their link)."""

    channel: ContactChannel
    action = Action.CHOOSE_CONTACT


@dataclass(frozen=True)
class ProposeSlots:
    """Up to three dated slots for the meeting, from one side for the other to pick."""

    slots: tuple[Slot, ...]
    action = Action.PROPOSE_SLOTS


@dataclass(frozen=True)
class PickSlot:
    proposal: int  # its number
    slot: int  # the index of the slot within it
    action = Action.PICK_SLOT


@dataclass(frozen=True)
class CancelAppointment:
    action = Action.CANCEL_APPOINTMENT


@dataclass(frozen=True)
class RemindAppointment:
    action = Action.REMIND_APPOINTMENT


@dataclass(frozen=True)
class SendMessage:
    text: str
    action = Action.SEND_MESSAGE


@dataclass(frozen=True)
class ReportConcern:
    reason: ConcernReason
    text: str = ""
    action = Action.REPORT_CONCERN


@dataclass(frozen=True)
class ReviewConcern:
    number: int
    admin_id: str
    resume_peer: bool  # the peer may meet again (resumed), or stays paused
    action = Action.REVIEW_CONCERN


@dataclass(frozen=True)
class Erase:
    """Free text written about or by an erased person goes; the facts (ids, dates, codes) stay."""

    party: str  # "beneficiary" or "peer"
    action = Action.ERASE


Command = (
    Propose
    | Agreement
    | Answer
    | Remind
    | Expire
    | Cancel
    | RecordMeeting
    | GiveFeedback
    | ChooseContact
    | ProposeSlots
    | PickSlot
    | CancelAppointment
    | RemindAppointment
    | SendMessage
    | ReportConcern
    | ReviewConcern
    | Erase
)


# -- the life cycle ---------------------------------------------------------------------------------


def decide(
    introduction: Introduction | None, command: Command, actor: Actor, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    """The life cycle in one pure function: the table says whether, the command says what changes. A
    proposal makes a new introduction (there is none yet); every other step changes one."""
    if actor not in ACTORS[command.action]:
        raise NotYours(f"Cette étape ne vous revient pas : vous ne pouvez pas {STEP_WORDS[command.action]}.")
    if isinstance(command, Propose):
        if introduction is not None:
            raise RefusedTransition("Cette mise en relation est déjà proposée.")
        return _propose(command, now)
    if introduction is None:
        raise RefusedTransition(
            f"Cette mise en relation n'existe pas encore : on ne peut pas {STEP_WORDS[command.action]}."
        )
    status = _next_status(introduction, command.action)
    match command:
        case Agreement():
            return _agreement(introduction, command, status, now)
        case Answer():
            return _answer(introduction, command, status, now)
        case Remind():
            return _remind(introduction)
        case Expire():
            return _step(introduction, status, "expired", contracts.IntroductionExpiredV1(**common(introduction)))
        case Cancel():
            return _cancel(introduction, command, status, now)
        case RecordMeeting():
            return _record_meeting(introduction, command, status, now)
        case GiveFeedback():
            return _give_feedback(introduction, command, SIDE_OF[actor], now)
        case ProposeSlots():
            return _propose_slots(introduction, command, SIDE_OF.get(actor, Side.BENEFICIARY), now)
        case PickSlot():
            return _pick_slot(introduction, command, SIDE_OF.get(actor, Side.BENEFICIARY), now)
        case CancelAppointment():
            return _cancel_appointment(introduction, SIDE_OF.get(actor, Side.BENEFICIARY).value)
        case RemindAppointment():
            return _remind_appointment(introduction)
        case ReportConcern():
            return _report_concern(introduction, command, SIDE_OF.get(actor, Side.BENEFICIARY), now)
        case ReviewConcern():
            return _review_concern(introduction, command, now)
        case SendMessage():
            return _send_message(introduction, command, SIDE_OF.get(actor, Side.BENEFICIARY), now)
        case ChooseContact():
            chosen = replace(introduction, contact_channel=command.channel)
            return _changed(chosen, "contact_chosen", contracts.ContactChosenV1(**common(introduction)))
        case Erase():
            return _erase(introduction, command)
    raise AssertionError(f"unknown command {command!r}")


def _next_status(introduction: Introduction, action: Action) -> Status:
    after = TRANSITIONS.get((introduction.status, action))
    if after is not None:
        return after
    if action == Action.GIVE_FEEDBACK:
        raise RefusedTransition(
            f"Le retour suit une mise en relation acceptée ; celle-ci est {STATUS_WORDS[introduction.status]}."
        )
    raise RefusedTransition(
        f"Cette mise en relation est {STATUS_WORDS[introduction.status]} : on ne peut pas {STEP_WORDS[action]}."
    )


def _propose(command: Propose, now: datetime) -> tuple[Introduction, list[Envelope]]:
    beneficiary, peer, asked = command.beneficiary, command.peer, command.proposal
    check_proposal(asked.purpose, peer.meeting_modes, asked.mentoring_months, list(asked.questions))
    month = now.strftime("%Y-%m")
    times = deadlines(now, command.expiry_days, command.reminder_days_before)
    target = asked.target_job or closest_target(beneficiary, peer)
    questions = JOB_INQUIRY_GUIDE + asked.questions if asked.purpose == Purpose.JOB_INQUIRY else ()
    agreed = asked.beneficiary_agreed
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
        status=Status.PROPOSED if agreed else Status.AWAITING_BENEFICIARY,
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
        sent_at=now if agreed else None,
    )
    if not agreed:
        prepared = contracts.IntroductionPreparedV1(
            **common(introduction), target_job=target, counsellor_present=introduction.counsellor_present
        )
        return introduction, [_event(introduction, "prepared", prepared)]
    return introduction, [_event(introduction, "proposed", _proposed(introduction))]


def _proposed(introduction: Introduction) -> contracts.IntroductionProposedV1:
    """The request as it goes to the peer (notifications e-mails it with the peer's link)."""
    return contracts.IntroductionProposedV1(
        **common(introduction),
        target_job=introduction.target_job,
        meeting_modes=list(introduction.meeting_modes),
        counsellor_present=introduction.counsellor_present,
        expires_at=introduction.expires_at,
    )


def _agreement(
    introduction: Introduction, command: Agreement, status: Status, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    """Agreed: the request goes to the peer now, with the whole answer time from now on. Declined: it ends
    there, the peer never hears of it, and the beneficiary gives no reason."""
    if not command.agreed:
        declined = replace(introduction, declined_by=Side.BENEFICIARY)
        return _step(declined, status, "beneficiary_declined", contracts.BeneficiaryDeclinedV1(**common(introduction)))
    sent = replace(
        introduction,
        sent_at=now,
        expires_at=now + (introduction.expires_at - introduction.proposed_at),
        remind_at=now + (introduction.remind_at - introduction.proposed_at),
    )
    return _step(sent, status, "proposed", _proposed(sent))


def _answer(
    introduction: Introduction, command: Answer, status: Status, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    reason = None if command.accept else command.reason  # declining needs no reason; one may be given
    channel = command.contact if command.accept else None
    answered = replace(
        introduction,
        answered_at=now,
        decline_reason=reason,
        answer_message=command.message,
        contact_channel=channel,
        declined_by=None if command.accept else Side.PEER,
    )
    payload = contracts.IntroductionAnsweredV1(
        **common(introduction),
        accepted=command.accept,
        decline_reason=reason.value if reason else None,
        answered_at=now,
    )
    return _step(answered, status, "answered", payload)


def _cancel(
    introduction: Introduction, command: Cancel, status: Status, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    """Ending the introduction cancels the meeting that stood (calendars remove it: a second event of the
    same write) and closes the proposal still open."""
    standing = introduction.appointment
    appointments = introduction.appointments
    if standing is not None:
        appointments = (*appointments[:-1], _cancelled(standing, ""))
    proposals = tuple(
        replace(p, outcome=Outcome.CLOSED) if p.outcome is Outcome.OPEN else p for p in introduction.slot_proposals
    )
    payload = contracts.IntroductionCancelledV1(**common(introduction), by_staff_id=command.staff_id)
    cancelled = replace(
        introduction, cancelled_by=command.staff_id, slot_proposals=proposals, appointments=appointments
    )
    changed, events = _step(cancelled, status, "cancelled", payload)
    if standing is not None:
        events.append(_event(changed, "meeting_cancelled", _meeting_cancelled(introduction, appointments[-1])))
    return changed, events


def _cancelled(standing: Appointment, by: str) -> Appointment:
    return replace(standing, status=AppointmentStatus.CANCELLED, sequence=standing.sequence + 1, cancelled_by=by)


def _meeting_cancelled(introduction: Introduction, cancelled: Appointment) -> contracts.MeetingCancelledV1:
    return contracts.MeetingCancelledV1(
        **common(introduction),
        by_side=cancelled.cancelled_by or "",
        starts_at=cancelled.slot.starts_at,
        sequence=cancelled.sequence,
        counsellor_present=introduction.counsellor_present,
        expires_at=introduction.expires_at,
    )


def _propose_slots(
    introduction: Introduction, command: ProposeSlots, side: Side, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    check_slots(command.slots, introduction.purpose, introduction.counsellor_present, introduction.meeting_modes, now)
    earlier = tuple(
        replace(p, outcome=Outcome.REPLACED) if p.outcome is Outcome.OPEN else p for p in introduction.slot_proposals
    )
    proposal = SlotProposal(len(earlier) + 1, side.value, tuple(command.slots), now)
    payload = contracts.SlotsProposedV1(
        **common(introduction), by_side=side.value, slots=len(command.slots), expires_at=introduction.expires_at
    )
    return _changed(replace(introduction, slot_proposals=(*earlier, proposal)), "slots_proposed", payload)


def _pick_slot(
    introduction: Introduction, command: PickSlot, side: Side, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    proposal = open_proposal(introduction.slot_proposals)
    if proposal is None or proposal.number != command.proposal:
        raise _meeting_refused("Ces créneaux ne sont plus proposés : lisez les derniers proposés.")
    if proposal.by == side.value:
        raise _meeting_refused("C'est à l'autre personne de choisir parmi les créneaux que vous avez proposés.")
    if not 0 <= command.slot < len(proposal.slots):
        raise InvalidInput([("slot", f"Choisissez l'un des {len(proposal.slots)} créneaux proposés.")])
    slot = proposal.slots[command.slot]
    if slot.starts_at <= now:
        raise _meeting_refused("Ce créneau est passé : proposez-en d'autres.")
    before = introduction.appointment
    earlier = tuple(
        replace(a, status=AppointmentStatus.RESCHEDULED) if a is before else a for a in introduction.appointments
    )
    appointment = Appointment(
        sequence=next_sequence(introduction.appointments),
        slot=slot,
        proposal=proposal.number,
        by=side.value,
        scheduled_at=now,
        reminded=slot.starts_at - now <= timedelta(days=1),  # the invitation itself is the reminder
    )
    proposals = tuple(
        replace(p, outcome=Outcome.PICKED, picked=command.slot) if p is proposal else p
        for p in introduction.slot_proposals
    )
    payload = contracts.MeetingScheduledV1(
        **common(introduction),
        by_side=side.value,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        sequence=appointment.sequence,
        rescheduled=before is not None,
        counsellor_present=introduction.counsellor_present,
        expires_at=introduction.expires_at,
    )
    scheduled = replace(introduction, slot_proposals=proposals, appointments=(*earlier, appointment))
    return _changed(scheduled, "meeting_scheduled", payload)


def _cancel_appointment(introduction: Introduction, by: str) -> tuple[Introduction, list[Envelope]]:
    standing = introduction.appointment
    if standing is None:
        raise _meeting_refused("Aucune rencontre n'est prévue : il n'y a rien à annuler.")
    appointments = (*introduction.appointments[:-1], _cancelled(standing, by))
    payload = _meeting_cancelled(introduction, appointments[-1])
    return _changed(replace(introduction, appointments=appointments), "meeting_cancelled", payload)


def _remind_appointment(introduction: Introduction) -> tuple[Introduction, list[Envelope]]:
    standing = introduction.appointment
    if standing is None or standing.reminded:
        raise _meeting_refused("Aucune rencontre prévue n'attend de rappel.")
    payload = contracts.MeetingReminderDueV1(
        **common(introduction),
        starts_at=standing.slot.starts_at,
        sequence=standing.sequence,
        counsellor_present=introduction.counsellor_present,
        expires_at=introduction.expires_at,
    )
    appointments = (*introduction.appointments[:-1], replace(standing, reminded=True))
    return _changed(replace(introduction, appointments=appointments), "meeting_reminder_due", payload)


def _report_concern(
    introduction: Introduction, command: ReportConcern, side: Side, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    if len(command.text) > MAX_MESSAGE_LENGTH:
        raise InvalidInput([("text", f"Décrivez-le en {MAX_MESSAGE_LENGTH} caractères au plus.")])
    if any(c.by == side.value and c.reviewed_at is None for c in introduction.concerns):
        raise _meeting_refused("Votre signalement est déjà entre les mains de l'agence : elle revient vers vous.")
    concern = Concern(len(introduction.concerns) + 1, side.value, command.reason, command.text.strip(), now)
    payload = contracts.ConcernReportedV1(**common(introduction), by_side=side.value, concern=concern.number)
    return _changed(replace(introduction, concerns=(*introduction.concerns, concern)), "concern_reported", payload)


def _review_concern(
    introduction: Introduction, command: ReviewConcern, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    found = next((c for c in introduction.concerns if c.number == command.number), None)
    if found is None:
        raise _meeting_refused(f"Il n'y a pas de signalement n° {command.number} sur cette mise en relation.")
    if found.reviewed_at is not None:
        raise _meeting_refused("Ce signalement a déjà été examiné.")
    reviewed = replace(found, reviewed_at=now, reviewed_by=command.admin_id, resume_peer=command.resume_peer)
    concerns = tuple(reviewed if c is found else c for c in introduction.concerns)
    still_open = any(c.reviewed_at is None for c in concerns)
    payload = contracts.ConcernReviewedV1(
        **common(introduction), concern=found.number, resume_peer=command.resume_peer and not still_open
    )
    return _changed(replace(introduction, concerns=concerns), "concern_reviewed", payload)


def _send_message(
    introduction: Introduction, command: SendMessage, side: Side, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    text = command.text.strip()
    if not text:
        raise InvalidInput([("text", "Écrivez votre message.")])
    if len(text) > MAX_MESSAGE_LENGTH:
        raise InvalidInput([("text", f"Un message tient en {MAX_MESSAGE_LENGTH} caractères au plus.")])
    if len(introduction.thread) >= MAX_MESSAGES:
        raise _meeting_refused(
            f"Cet échange compte déjà {MAX_MESSAGES} messages : poursuivez-le par le moyen de contact choisi."
        )
    message = ThreadMessage(len(introduction.thread) + 1, side.value, text, now)
    payload = contracts.MessageSentV1(**common(introduction), by_side=side.value, expires_at=introduction.expires_at)
    return _changed(replace(introduction, thread=(*introduction.thread, message)), "message_sent", payload)


def _remind(introduction: Introduction) -> tuple[Introduction, list[Envelope]]:
    if introduction.reminded:
        raise RefusedTransition("Le pair a déjà été relancé pour cette demande.")
    payload = contracts.IntroductionReminderDueV1(**common(introduction), expires_at=introduction.expires_at)
    return _changed(replace(introduction, reminded=True), "reminder_due", payload)


def _record_meeting(
    introduction: Introduction, command: RecordMeeting, status: Status, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    if command.held_on > now.astimezone(PARIS).date():  # the day it is in France
        raise InvalidInput([("held_on", "Une rencontre s'enregistre une fois passée : sa date est à venir.")])
    if command.mode is not None and command.mode not in introduction.meeting_modes:
        raise InvalidInput([("mode", "Choisissez une des façons de se rencontrer convenues.")])
    payload = contracts.MeetingRecordedV1(**common(introduction), held_on=command.held_on, mode=command.mode)
    met = replace(introduction, meeting=Meeting(command.held_on, command.mode, command.summary))
    return _step(met, status, "meeting_recorded", payload)


def _give_feedback(
    introduction: Introduction, command: GiveFeedback, side: Side, now: datetime
) -> tuple[Introduction, list[Envelope]]:
    if side in introduction.feedback:
        raise RefusedTransition(f"{SIDE_WORDS[side]} a déjà donné son retour sur cette mise en relation.")
    opens_at = feedback_opens_at(introduction)
    if opens_at is None or opens_at > now:
        raise _meeting_refused(
            "Le retour se donne après la rencontre : "
            + ("fixez d'abord sa date." if opens_at is None else "revenez une fois sa date passée.")
        )
    check_feedback(command.took_place, command.usefulness, command.no_show)
    check_debrief(side is Side.BENEFICIARY, command.took_place, command.project_effect)
    payload = contracts.FeedbackGivenV1(
        **common(introduction),
        side=side.value,
        took_place=command.took_place,
        usefulness=command.usefulness,
        no_show=command.no_show,
        project_effect=command.project_effect,
    )
    given = {
        **introduction.feedback,
        side: Feedback(
            command.took_place, command.usefulness, command.comment, command.no_show, command.project_effect
        ),
    }
    return _changed(replace(introduction, feedback=given), "feedback_given", payload)


def feedback_opens_at(introduction: Introduction) -> datetime | None:
    """When feedback may be given: once the meeting's date has come (the meeting that stands, or the one
    recorded); None while no date is set."""
    if introduction.meeting is not None:
        held = introduction.meeting.held_on
        return datetime(held.year, held.month, held.day, tzinfo=UTC)
    standing = introduction.appointment
    return None if standing is None else standing.slot.starts_at


def meeting_follows(introduction: Introduction, feedback: GiveFeedback) -> bool:
    """A feedback saying the meeting took place counts as the meeting when nobody recorded it."""
    return feedback.took_place and introduction.status == Status.ACCEPTED


def _erase(introduction: Introduction, command: Erase) -> tuple[Introduction, list[Envelope]]:
    """The free text, the contact choice, the slots and the thread go; a meeting that stood is cancelled in
    calendars (an event, without its place)."""
    standing = introduction.appointment
    meeting = None if introduction.meeting is None else replace(introduction.meeting, summary="")
    feedback = {side: replace(given, comment="") for side, given in introduction.feedback.items()}
    erased = replace(
        introduction,
        message="",
        answer_message="",
        questions=(),
        erased_party=command.party,
        contact_channel=None,
        slot_proposals=(),  # where and when they would meet: gone with the person
        appointments=(),
        thread=(),  # what they wrote to each other
        concerns=tuple(replace(c, text="") for c in introduction.concerns),  # the facts stay, the words go
        meeting=meeting,
        feedback=feedback,
        version=introduction.version + 1,
    )
    if standing is None:
        return erased, []
    cancelled = _cancelled(standing, "")
    return erased, [_event(erased, "meeting_cancelled", _meeting_cancelled(introduction, cancelled))]


def _step(
    introduction: Introduction, status: Status, step: str, payload: contracts.IntroductionEventV1
) -> tuple[Introduction, list[Envelope]]:
    """A change of status, with the places it gives back: the pending request once answered or ended, the
    pair once closed, the slot once it holds none."""
    holds_slot = introduction.holds_slot and status in HOLDS_SLOT
    places = Places(
        capacity_slot=introduction.places.capacity_slot if holds_slot else None,
        pending_slot=introduction.places.pending_slot if status in PENDING else None,
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


def sees_contact(introduction: Introduction, staff_id: str) -> bool:
    """Only the beneficiary's counsellor (or who proposed the introduction) reads how to reach the peer, and
    only once the peer accepted."""
    return introduction.contact_channel is not None and staff_id in {
        introduction.counsellor_id,
        introduction.proposed_by,
    }


def feedback_open(introduction: Introduction, side: Side, now: datetime) -> bool:
    """Whether this side may give its feedback now: after the meeting's date, once."""
    opens_at = feedback_opens_at(introduction)
    return (
        introduction.status in FEEDBACK_OPEN
        and side not in introduction.feedback
        and opens_at is not None
        and opens_at <= now
    )


def concerns_seen_by(introduction: Introduction, side: Side) -> tuple[Concern, ...]:
    """A side sees its own concerns only (the agency's admin sees them all)."""
    return tuple(c for c in introduction.concerns if c.by == side.value)
