"""An introduction's life cycle without a database: `decide` walked over every (status, action) pair of
the transition table (each allowed pair gives its status, its event and the places it gives back; each
forbidden pair is refused, naming the status), every actor who may not take a step, and the rules
within the steps."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.kit.domain import InvalidInput
from services.matching.domain.actor import Actor, NotYours
from services.matching.domain.introduction import (
    ACTORS,
    HOLDS_SLOT,
    OPEN,
    PENDING,
    STATUS_WORDS,
    STEP_WORDS,
    TRANSITIONS,
    Action,
    Agreement,
    Answer,
    Cancel,
    CancelAppointment,
    ChooseContact,
    Command,
    ConcernReason,
    ContactChannel,
    DeclineReason,
    Erase,
    Expire,
    GiveFeedback,
    Introduction,
    PickSlot,
    Proposal,
    Propose,
    ProposeSlots,
    RecordMeeting,
    RefusedTransition,
    Remind,
    RemindAppointment,
    ReportConcern,
    ReviewConcern,
    SendMessage,
    Side,
    Status,
    concerns_seen_by,
    decide,
    feedback_open,
    feedback_opens_at,
    meeting_follows,
    sees_contact,
)
from services.matching.domain.introduction_rules import JOB_INQUIRY_GUIDE, Purpose
from services.matching.domain.meeting import AppointmentStatus, Outcome, Slot, Venue, calendar_uid
from services.matching.domain.model import BeneficiaryView, PeerView, Step
from services.matching.domain.preparation import ProjectEffect

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(days=2)
PEER = PeerView(
    "peer-1",
    "agency-2",
    "52",
    "employee",
    "region",
    True,
    frozenset({"in_person", "video"}),
    2,
    False,
    frozenset({"fr"}),
    47.2,
    -1.55,
    (Step("job", "M1805", "2019-09", None, "chosen"),),
)
BENEFICIARY = BeneficiaryView(
    "beneficiary-1",
    "agency-1",
    "52",
    False,
    47.2,
    -1.55,
    30,
    "job_seeker",
    "bac",
    ("K2111", "M1805"),
    (),
    frozenset({"in_person", "phone"}),
    frozenset({"fr"}),
    True,
)


SOON = NOW + timedelta(days=5)
SLOTS = (
    Slot(SOON, 60, Venue.IN_PERSON, "12 rue de la Paix, Nantes"),
    Slot(SOON + timedelta(days=1), 45, Venue.IN_PERSON, "", at_agency=True),
)


def proposal(beneficiary: BeneficiaryView = BENEFICIARY, **asked: object) -> Propose:
    """A proposal the beneficiary agreed to (`beneficiary_agreed=False` prepares one that waits for them)."""
    asked = {"beneficiary_agreed": True, **asked}
    return Propose(
        introduction_id="introduction-1",
        beneficiary=beneficiary,
        counsellor_id="counsellor-1",
        staff_id="staff-1",
        peer=PEER,
        proposal=replace(Proposal(PEER.peer_id, Purpose.TESTIMONY, message="Sofiane aimerait vous entendre."), **asked),  # type: ignore[arg-type]
        capacity_place=2,
        pending_place=1,
        expiry_days=10,
        reminder_days_before=3,
    )


def proposed() -> Introduction:
    return decide(None, proposal(), Actor.COUNSELLOR, NOW)[0]


COMMANDS: dict[Action, Command] = {
    Action.AGREE: Agreement(True),
    Action.BENEFICIARY_DECLINE: Agreement(False),
    Action.ACCEPT: Answer(True, message="Avec plaisir"),
    Action.DECLINE: Answer(False, DeclineReason.NO_TIME, "Pas ce mois-ci"),
    Action.REMIND: Remind(),
    Action.EXPIRE: Expire(),
    Action.CANCEL: Cancel("staff-1"),
    Action.RECORD_MEETING: RecordMeeting(date(2026, 11, 1), "in_person", "Très concret."),
    Action.GIVE_FEEDBACK: GiveFeedback(True, 4, "Utile"),
    Action.CHOOSE_CONTACT: ChooseContact(ContactChannel.PHONE),
    Action.PROPOSE_SLOTS: ProposeSlots(SLOTS),
    Action.PICK_SLOT: PickSlot(1, 0),
    Action.CANCEL_APPOINTMENT: CancelAppointment(),
    Action.REMIND_APPOINTMENT: RemindAppointment(),
    Action.SEND_MESSAGE: SendMessage("Bonjour, je suis disponible le mardi."),
    Action.REPORT_CONCERN: ReportConcern(ConcernReason.BEHAVIOUR, "Propos déplacés pendant la visio"),
    Action.REVIEW_CONCERN: ReviewConcern(1, "admin-1", resume_peer=True),
    Action.ERASE: Erase("beneficiary"),
}
STEP = {
    Action.AGREE: "proposed",
    Action.BENEFICIARY_DECLINE: "beneficiary_declined",
    Action.ACCEPT: "answered",
    Action.DECLINE: "answered",
    Action.REMIND: "reminder_due",
    Action.EXPIRE: "expired",
    Action.CANCEL: "cancelled",
    Action.RECORD_MEETING: "meeting_recorded",
    Action.GIVE_FEEDBACK: "feedback_given",
    Action.CHOOSE_CONTACT: "contact_chosen",
    Action.PROPOSE_SLOTS: "slots_proposed",
    Action.PICK_SLOT: "meeting_scheduled",
    Action.CANCEL_APPOINTMENT: "meeting_cancelled",
    Action.REMIND_APPOINTMENT: "meeting_reminder_due",
    Action.SEND_MESSAGE: "message_sent",
    Action.REPORT_CONCERN: "concern_reported",
    Action.REVIEW_CONCERN: "concern_reviewed",
}
ON_THE_WAY = {  # how each status is reached from a proposal the beneficiary agreed to (or not yet)
    Status.AWAITING_BENEFICIARY: (),
    Status.PROPOSED: (),
    Status.ACCEPTED: (Action.ACCEPT,),
    Status.DECLINED: (Action.DECLINE,),
    Status.EXPIRED: (Action.EXPIRE,),
    Status.CANCELLED: (Action.CANCEL,),
    Status.MET: (Action.ACCEPT, Action.RECORD_MEETING),
}
STEPS = [a for a in Action if a != Action.PROPOSE]


def actor_for(action: Action) -> Actor:
    return sorted(ACTORS[action])[0]


def in_status(status: Status) -> Introduction:
    introduction = proposed()
    if status == Status.AWAITING_BENEFICIARY:
        introduction = decide(None, proposal(beneficiary_agreed=False), Actor.COUNSELLOR, NOW)[0]
    for action in ON_THE_WAY[status]:
        introduction = decide(introduction, COMMANDS[action], actor_for(action), NOW)[0]
    assert introduction.status == status
    return introduction


def ready_for(status: Status, action: Action) -> Introduction:
    """In `status`, with what the action needs when it is allowed there: the peer's slots to pick from, a
    meeting to cancel or to remind of, a meeting whose date came for feedback."""
    introduction = in_status(status)
    if action == Action.REVIEW_CONCERN and (status, Action.REPORT_CONCERN) in TRANSITIONS:
        return decide(introduction, COMMANDS[Action.REPORT_CONCERN], Actor.PEER, NOW)[0]
    if status == Status.ACCEPTED and action == Action.GIVE_FEEDBACK:
        return met_yesterday(introduction)
    if status != Status.ACCEPTED or action not in NEEDS_SLOTS:
        return introduction
    introduction = decide(introduction, ProposeSlots(SLOTS), Actor.PEER, NOW)[0]
    if action == Action.PICK_SLOT:
        return introduction
    return decide(introduction, PickSlot(1, 0), Actor.COUNSELLOR, NOW)[0]


def met_yesterday(accepted: Introduction) -> Introduction:
    """Accepted, with a meeting scheduled at NOW for the next day: its date has come by LATER."""
    tomorrow = (Slot(NOW + timedelta(days=1), 60, Venue.IN_PERSON, "Agence"),)
    offered = decide(accepted, ProposeSlots(tomorrow), Actor.PEER, NOW)[0]
    return decide(offered, PickSlot(offered.slot_proposals[-1].number, 0), Actor.COUNSELLOR, NOW)[0]


NEEDS_SLOTS = {Action.PICK_SLOT, Action.CANCEL_APPOINTMENT, Action.REMIND_APPOINTMENT}


def scheduled() -> Introduction:
    return ready_for(Status.ACCEPTED, Action.CANCEL_APPOINTMENT)


@pytest.mark.parametrize("action", STEPS)
@pytest.mark.parametrize("status", list(Status))
def test_every_status_and_action_of_the_table(status: Status, action: Action) -> None:
    introduction = ready_for(status, action)
    to = TRANSITIONS.get((status, action))
    if to is None:
        with pytest.raises(RefusedTransition, match=STATUS_WORDS[status]):
            decide(introduction, COMMANDS[action], actor_for(action), LATER)
        return
    changed, events = decide(introduction, COMMANDS[action], actor_for(action), LATER)
    assert changed.status == to and changed.version == introduction.version + 1
    assert [e.event_type for e in events] == ([f"matching.introduction.{STEP[action]}"] if action in STEP else [])
    assert all(e.aggregate_id == changed.id and e.aggregate_version == changed.version for e in events)
    assert all(e.tenant_id == changed.agency_id and e.payload["peer_id"] == PEER.peer_id for e in events)
    assert changed.holds_slot == (introduction.holds_slot and to in HOLDS_SLOT)
    assert (changed.places.capacity_slot is not None) == changed.holds_slot
    assert (changed.places.pending_slot is not None) == (to in PENDING)
    assert (changed.places.open_pair is not None) == (to in OPEN)


@pytest.mark.parametrize("status", list(Status))
def test_a_proposal_is_only_for_an_introduction_not_made_yet(status: Status) -> None:
    with pytest.raises(RefusedTransition, match="déjà proposée"):
        decide(in_status(status), proposal(), Actor.COUNSELLOR, NOW)


@pytest.mark.parametrize("action", STEPS)
def test_every_other_step_needs_an_introduction(action: Action) -> None:
    with pytest.raises(RefusedTransition, match="n'existe pas encore : on ne peut pas"):
        decide(None, COMMANDS[action], actor_for(action), NOW)


@pytest.mark.parametrize(
    ("action", "actor"), [(action, actor) for action in Action for actor in Actor if actor not in ACTORS[action]]
)
def test_a_step_is_refused_to_whoever_does_not_take_it(action: Action, actor: Actor) -> None:
    status = next(s for s, a in TRANSITIONS if a == action) if action != Action.PROPOSE else None
    introduction = None if status is None else ready_for(status, action)
    command = proposal() if action == Action.PROPOSE else COMMANDS[action]
    with pytest.raises(NotYours, match=re.escape(f"ne vous revient pas : vous ne pouvez pas {STEP_WORDS[action]}")):
        decide(introduction, command, actor, NOW)


def test_a_proposal_takes_its_three_places_and_says_what_the_peer_needs() -> None:
    introduction, events = decide(None, proposal(), Actor.COUNSELLOR, NOW)
    assert introduction.status == Status.PROPOSED and introduction.version == 1 and introduction.month == "2026-11"
    assert introduction.target_job == "M1805", "the target job the peer's path comes closest to"
    assert introduction.meeting_modes == ("in_person",) and not introduction.counsellor_present
    assert introduction.places.capacity_slot == "peer-1/2026-11/2"
    assert introduction.places.pending_slot == "beneficiary-1/1"
    assert introduction.places.open_pair == "beneficiary-1/peer-1"
    assert introduction.expires_at == NOW + timedelta(days=10)
    assert introduction.remind_at == NOW + timedelta(days=7)
    [proposed_event] = events
    assert proposed_event.event_type == "matching.introduction.proposed" and proposed_event.aggregate_version == 1
    assert proposed_event.payload["target_job"] == "M1805" and "Sofiane" not in proposed_event.model_dump_json()


def test_a_job_inquiry_comes_with_the_guide_and_a_minor_with_their_counsellor() -> None:
    minor = replace(BENEFICIARY, minor=True)
    command = proposal(purpose=Purpose.JOB_INQUIRY, questions=("Et le salaire ?",), beneficiary=minor)
    introduction, _ = decide(None, command, Actor.COUNSELLOR, NOW)
    assert introduction.questions == (*JOB_INQUIRY_GUIDE, "Et le salaire ?")
    assert introduction.counsellor_present


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"purpose": Purpose.COMPANY_VISIT}, "purpose"),
        ({"purpose": Purpose.MENTORING}, "mentoring_months"),
        ({"mentoring_months": 3}, "mentoring_months"),
        ({"questions": ("Pourquoi ?",)}, "questions"),
    ],
)
def test_a_proposal_that_does_not_hold_together_is_refused_field_by_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(None, proposal(**changes), Actor.COUNSELLOR, NOW)
    assert [f for f, _ in refused.value.problems] == [field]


def test_an_answer_keeps_when_and_why() -> None:
    accepted, [event] = decide(proposed(), COMMANDS[Action.ACCEPT], Actor.PEER, LATER)
    assert (
        accepted.answered_at == LATER and accepted.decline_reason is None and accepted.answer_message == "Avec plaisir"
    )
    assert event.payload["accepted"] is True and event.payload["decline_reason"] is None
    declined, [event] = decide(proposed(), COMMANDS[Action.DECLINE], Actor.PEER, LATER)
    assert declined.decline_reason == DeclineReason.NO_TIME and event.payload["decline_reason"] == "no_time"
    assert not declined.holds_slot and declined.places.capacity_slot is None


def test_a_peer_is_reminded_once() -> None:
    reminded, [event] = decide(proposed(), Remind(), Actor.SYSTEM, LATER)
    assert reminded.reminded and event.payload["expires_at"] == "2026-11-12T09:30:00Z"
    with pytest.raises(RefusedTransition, match="déjà été relancé"):
        decide(reminded, Remind(), Actor.SYSTEM, LATER)


def test_a_meeting_is_held_in_a_way_both_agreed_on() -> None:
    with pytest.raises(InvalidInput, match="façons de se rencontrer convenues"):
        decide(in_status(Status.ACCEPTED), RecordMeeting(date(2026, 11, 1), "video"), Actor.COUNSELLOR, NOW)
    met, [event] = decide(in_status(Status.ACCEPTED), RecordMeeting(date(2026, 11, 1), None), Actor.SYSTEM, NOW)
    assert met.meeting is not None and met.meeting.mode is None and event.payload["held_on"] == "2026-11-01"


def test_each_side_gives_its_feedback_once_and_a_meeting_that_took_place_follows() -> None:
    accepted = met_yesterday(in_status(Status.ACCEPTED))
    feedback = GiveFeedback(True, 5, "Très utile")
    by_counsellor, [event] = decide(accepted, feedback, Actor.COUNSELLOR, LATER)
    assert set(by_counsellor.feedback) == {Side.BENEFICIARY} and event.payload["side"] == "beneficiary"
    assert meeting_follows(by_counsellor, feedback), "nobody recorded it: the feedback counts as the meeting"
    by_peer, [event] = decide(by_counsellor, GiveFeedback(False, None), Actor.PEER, LATER)
    assert set(by_peer.feedback) == {Side.BENEFICIARY, Side.PEER} and event.payload["side"] == "peer"
    with pytest.raises(RefusedTransition, match="Le bénéficiaire a déjà donné son retour"):
        decide(by_peer, feedback, Actor.COUNSELLOR, LATER)
    with pytest.raises(InvalidInput, match="combien la rencontre a été utile"):
        decide(accepted, GiveFeedback(True, None), Actor.PEER, LATER)
    with pytest.raises(InvalidInput, match="ne se note pas"):
        decide(accepted, GiveFeedback(False, 3), Actor.PEER, LATER)
    assert not meeting_follows(in_status(Status.MET), feedback), "already recorded"


def test_the_beneficiarys_debrief_says_what_the_meeting_changes_to_the_project() -> None:
    accepted = met_yesterday(in_status(Status.ACCEPTED))
    debrief = GiveFeedback(True, 4, "Le rythme des chantiers me convient.", project_effect=ProjectEffect.CONFIRMS)
    debriefed, [event] = decide(accepted, debrief, Actor.COUNSELLOR, LATER)
    assert debriefed.feedback[Side.BENEFICIARY].project_effect is ProjectEffect.CONFIRMS
    assert event.payload["project_effect"] == "confirms" and "comment" not in event.payload, "no free text on Kafka"
    with pytest.raises(InvalidInput, match="Seul le bénéficiaire"):
        decide(accepted, GiveFeedback(True, 4, project_effect=ProjectEffect.ADJUSTS), Actor.PEER, LATER)
    erased, _ = decide(debriefed, Erase("beneficiary"), Actor.SYSTEM, LATER)
    assert erased.feedback[Side.BENEFICIARY] == replace(debriefed.feedback[Side.BENEFICIARY], comment="")


def test_feedback_comes_only_once_the_meetings_date_has_come() -> None:
    accepted = in_status(Status.ACCEPTED)
    with pytest.raises(RefusedTransition, match="fixez d'abord sa date"):
        decide(accepted, GiveFeedback(True, 4), Actor.PEER, LATER)
    assert feedback_opens_at(accepted) is None and not feedback_open(accepted, Side.PEER, LATER)
    planned = met_yesterday(accepted)
    with pytest.raises(RefusedTransition, match="une fois sa date passée"):
        decide(planned, GiveFeedback(True, 4), Actor.COUNSELLOR, NOW)
    assert not feedback_open(planned, Side.BENEFICIARY, NOW) and feedback_open(planned, Side.BENEFICIARY, LATER)
    given = decide(planned, GiveFeedback(True, 4), Actor.COUNSELLOR, LATER)[0]
    assert not feedback_open(given, Side.BENEFICIARY, LATER) and feedback_open(given, Side.PEER, LATER)
    with pytest.raises(InvalidInput, match="passée"):
        decide(accepted, RecordMeeting(date(2026, 11, 3), "in_person"), Actor.COUNSELLOR, NOW)


def test_a_no_show_is_an_answer_and_is_not_a_meeting() -> None:
    planned = met_yesterday(in_status(Status.ACCEPTED))
    absent = GiveFeedback(False, None, "Le pair n'est pas venu", no_show=True)
    reported, [event] = decide(planned, absent, Actor.COUNSELLOR, LATER)
    assert reported.feedback[Side.BENEFICIARY].no_show and event.payload["no_show"] is True
    assert not meeting_follows(reported, absent) and reported.status == Status.ACCEPTED
    with pytest.raises(InvalidInput, match="absence"):
        decide(planned, GiveFeedback(True, 3, no_show=True), Actor.COUNSELLOR, LATER)


def test_an_erasure_takes_the_free_text_and_keeps_the_facts() -> None:
    met = in_status(Status.MET)
    met = decide(met, GiveFeedback(True, 4, "Il m'a parlé de sa maladie"), Actor.COUNSELLOR, NOW)[0]
    erased, events = decide(met, Erase("beneficiary"), Actor.SYSTEM, NOW)
    assert events == [] and erased.version == met.version + 1 and erased.erased_party == "beneficiary"
    assert erased.message == "" and erased.answer_message == "" and erased.questions == ()
    assert erased.meeting is not None and erased.meeting.summary == "" and erased.meeting.held_on == date(2026, 11, 1)
    assert erased.feedback[Side.BENEFICIARY].comment == "" and erased.feedback[Side.BENEFICIARY].usefulness == 4
    assert erased.status == Status.MET and erased.peer_id == met.peer_id


def test_the_peer_chooses_how_to_be_reached_when_accepting_and_changes_it_later() -> None:
    accepted, [answered] = decide(proposed(), Answer(True, contact=ContactChannel.EMAIL), Actor.PEER, LATER)
    assert accepted.contact_channel == ContactChannel.EMAIL
    assert "email" not in answered.model_dump_json(), "the choice stays in matching"
    by_default = decide(proposed(), Answer(True), Actor.PEER, LATER)[0]
    assert by_default.contact_channel == ContactChannel.PLATFORM, "no address given unless the peer says so"
    declined = decide(proposed(), Answer(False, DeclineReason.NO_TIME, contact=ContactChannel.PHONE), Actor.PEER, LATER)
    assert declined[0].contact_channel is None
    changed, [event] = decide(accepted, ChooseContact(ContactChannel.PHONE), Actor.PEER, LATER)
    assert changed.contact_channel == ContactChannel.PHONE and event.event_type.endswith("contact_chosen")
    assert set(event.payload) == {
        "introduction_id",
        "beneficiary_id",
        "agency_id",
        "counsellor_id",
        "peer_id",
        "purpose",
    }
    with pytest.raises(NotYours):
        decide(accepted, ChooseContact(ContactChannel.PHONE), Actor.COUNSELLOR, LATER)


def test_only_the_beneficiarys_counsellor_sees_the_contact_and_an_erasure_forgets_it() -> None:
    accepted = decide(proposed(), Answer(True, contact=ContactChannel.PHONE), Actor.PEER, LATER)[0]
    assert sees_contact(accepted, "counsellor-1") and sees_contact(accepted, "staff-1")
    assert not sees_contact(accepted, "another-colleague")
    assert not sees_contact(proposed(), "counsellor-1"), "nothing to see before the peer accepted"
    erased = decide(accepted, Erase("peer"), Actor.SYSTEM, LATER)[0]
    assert erased.contact_channel is None and not sees_contact(erased, "counsellor-1")


def test_the_peer_proposes_slots_and_the_counsellor_picks_one_then_reschedules_and_cancels() -> None:
    accepted = in_status(Status.ACCEPTED)
    offered, [event] = decide(accepted, ProposeSlots(SLOTS), Actor.PEER, NOW)
    assert event.payload["by_side"] == "peer" and event.payload["slots"] == 2
    assert "Nantes" not in event.model_dump_json(), "where they meet stays in matching"
    with pytest.raises(RefusedTransition, match="autre personne"):
        decide(offered, PickSlot(1, 0), Actor.PEER, NOW)
    with pytest.raises(InvalidInput, match="2 créneaux"):
        decide(offered, PickSlot(1, 5), Actor.COUNSELLOR, NOW)
    with pytest.raises(RefusedTransition, match="plus proposés"):
        decide(offered, PickSlot(2, 0), Actor.COUNSELLOR, NOW)
    picked, [event] = decide(offered, PickSlot(1, 1), Actor.COUNSELLOR, NOW)
    first = picked.appointment
    assert first is not None and first.slot == SLOTS[1] and first.sequence == 0 and first.by == "beneficiary"
    assert picked.slot_proposals[0].outcome == Outcome.PICKED and picked.slot_proposals[0].picked == 1
    assert event.payload["sequence"] == 0 and not event.payload["rescheduled"]
    assert event.payload["starts_at"] == "2026-11-08T09:30:00Z" and event.payload["ends_at"] == "2026-11-08T10:15:00Z"
    assert first.remind_at == SLOTS[1].starts_at - timedelta(days=1)

    later = (Slot(SOON + timedelta(days=7), 60, Venue.IN_PERSON, "Médiathèque Jacques Demy, Nantes"),)
    again = decide(picked, ProposeSlots(later), Actor.COUNSELLOR, NOW)[0]
    assert again.appointment == first, "the meeting stands until another slot is picked"
    moved, [event] = decide(again, PickSlot(2, 0), Actor.PEER, NOW)
    assert event.payload["rescheduled"] and event.payload["sequence"] == 1
    assert [a.status for a in moved.appointments] == [AppointmentStatus.RESCHEDULED, AppointmentStatus.SCHEDULED]
    assert len(moved.slot_proposals) == 2, "rescheduling keeps the history"

    cancelled, [event] = decide(moved, CancelAppointment(), Actor.PEER, NOW)
    assert cancelled.appointment is None and cancelled.appointments[-1].status == AppointmentStatus.CANCELLED
    assert event.payload["sequence"] == 2 and event.payload["by_side"] == "peer"
    with pytest.raises(RefusedTransition, match="rien à annuler"):
        decide(cancelled, CancelAppointment(), Actor.COUNSELLOR, NOW)
    assert calendar_uid(moved.id) == calendar_uid(cancelled.id) == "introduction-1@parcours"


def test_a_new_proposal_replaces_the_open_one() -> None:
    first = decide(in_status(Status.ACCEPTED), ProposeSlots(SLOTS), Actor.PEER, NOW)[0]
    second = decide(first, ProposeSlots(SLOTS[:1]), Actor.COUNSELLOR, NOW)[0]
    assert [p.outcome for p in second.slot_proposals] == [Outcome.REPLACED, Outcome.OPEN]
    assert second.slot_proposals[1].by == "beneficiary"
    picked = decide(second, PickSlot(2, 0), Actor.PEER, NOW)[0]
    assert picked.appointment is not None and picked.appointment.by == "peer"


def test_the_meeting_is_reminded_once_the_day_before_and_not_when_it_is_that_close() -> None:
    reminded, [event] = decide(scheduled(), RemindAppointment(), Actor.SYSTEM, NOW)
    assert reminded.appointment is not None and reminded.appointment.reminded
    assert reminded.appointment.remind_at is None and event.payload["starts_at"] == "2026-11-07T09:30:00Z"
    with pytest.raises(RefusedTransition, match="rappel"):
        decide(reminded, RemindAppointment(), Actor.SYSTEM, NOW)
    tomorrow = (Slot(NOW + timedelta(hours=20), 60, Venue.IN_PERSON, "Agence"),)
    offered = decide(in_status(Status.ACCEPTED), ProposeSlots(tomorrow), Actor.PEER, NOW)[0]
    close = decide(offered, PickSlot(1, 0), Actor.COUNSELLOR, NOW)[0]
    assert close.appointment is not None and close.appointment.remind_at is None, "the invitation is the reminder"


def test_cancelling_the_introduction_cancels_its_meeting_in_the_same_write() -> None:
    cancelled, events = decide(scheduled(), Cancel("staff-1"), Actor.COUNSELLOR, LATER)
    assert [e.event_type.rsplit(".", 1)[1] for e in events] == ["cancelled", "meeting_cancelled"]
    assert {e.aggregate_version for e in events} == {cancelled.version}
    assert cancelled.appointments[-1].status == AppointmentStatus.CANCELLED and events[1].payload["sequence"] == 1


@pytest.mark.parametrize(
    ("slot", "field", "words"),
    [
        (Slot(NOW - timedelta(hours=1), 60, Venue.IN_PERSON, "Ici"), "slots.0.starts_at", "passé"),
        (Slot(NOW + timedelta(days=400), 60, Venue.IN_PERSON, "Ici"), "slots.0.starts_at", "année"),
        (Slot(SOON, 5, Venue.IN_PERSON, "Ici"), "slots.0.minutes", "15 minutes"),
        (Slot(SOON, 60, Venue.IN_PERSON, " "), "slots.0.place", "lieu"),
        (Slot(SOON, 60, Venue.VIDEO, "https://visio.example.org/x"), "slots.0.venue", "modes"),
        (Slot(SOON, 60, Venue.VIDEO, "visio.example.org"), "slots.0.place", "https://"),
    ],
)
def test_a_slot_that_does_not_hold_is_refused_on_its_field(slot: Slot, field: str, words: str) -> None:
    accepted = in_status(Status.ACCEPTED)  # in person only: the beneficiary meets in person or by phone
    with pytest.raises(InvalidInput) as refused:
        decide(accepted, ProposeSlots((slot,)), Actor.PEER, NOW)
    assert field in [f for f, _ in refused.value.problems] and words in str(refused.value)


def test_at_most_three_slots_and_a_company_visit_at_the_company() -> None:
    accepted = in_status(Status.ACCEPTED)
    with pytest.raises(InvalidInput, match="1 à 3"):
        decide(accepted, ProposeSlots(SLOTS + SLOTS), Actor.PEER, NOW)
    visit = replace(accepted, purpose=Purpose.COMPANY_VISIT, meeting_modes=("in_person", "video"))
    with pytest.raises(InvalidInput, match="adresse de l'entreprise"):
        decide(visit, ProposeSlots((Slot(SOON, 60, Venue.IN_PERSON, ""),)), Actor.PEER, NOW)
    with pytest.raises(InvalidInput, match="sur place"):
        decide(visit, ProposeSlots((Slot(SOON, 60, Venue.VIDEO, "https://v.example.org/x"),)), Actor.PEER, NOW)


def test_a_minor_meets_in_person_only() -> None:
    minor = replace(in_status(Status.ACCEPTED), counsellor_present=True, meeting_modes=("in_person", "video"))
    with pytest.raises(InvalidInput, match="mineure"):
        decide(minor, ProposeSlots((Slot(SOON, 60, Venue.VIDEO, "https://v.example.org/x"),)), Actor.PEER, NOW)
    assert decide(minor, ProposeSlots(SLOTS), Actor.PEER, NOW)[0].slot_proposals


def test_an_erasure_forgets_the_slots_and_cancels_the_meeting_in_calendars_without_its_place() -> None:
    erased, [event] = decide(scheduled(), Erase("peer"), Actor.SYSTEM, NOW)
    assert erased.slot_proposals == () and erased.appointments == () and erased.appointment is None
    assert event.event_type == "matching.introduction.meeting_cancelled" and event.payload["sequence"] == 1
    assert event.payload["by_side"] == "" and event.aggregate_version == erased.version
    assert "Nantes" not in event.model_dump_json()


def test_a_short_thread_between_the_counsellor_and_the_peer_that_an_erasure_scrubs() -> None:
    accepted = in_status(Status.ACCEPTED)
    asked, [event] = decide(accepted, SendMessage("  Êtes-vous libre mardi ?  "), Actor.COUNSELLOR, NOW)
    answered = decide(asked, SendMessage("Oui, l'après-midi."), Actor.PEER, LATER)[0]
    assert [(m.number, m.by, m.text) for m in answered.thread] == [
        (1, "beneficiary", "Êtes-vous libre mardi ?"),
        (2, "peer", "Oui, l'après-midi."),
    ]
    assert event.payload["by_side"] == "beneficiary" and "mardi" not in event.model_dump_json(), "text in matching only"
    with pytest.raises(InvalidInput, match="Écrivez"):
        decide(accepted, SendMessage("   "), Actor.PEER, NOW)
    with pytest.raises(InvalidInput, match="2000"):
        decide(accepted, SendMessage("x" * 2001), Actor.PEER, NOW)
    full = replace(accepted, thread=answered.thread * 25)
    with pytest.raises(RefusedTransition, match="50 messages"):
        decide(full, SendMessage("Encore un"), Actor.PEER, NOW)
    assert decide(answered, Erase("peer"), Actor.SYSTEM, NOW)[0].thread == ()


def test_a_concern_reaches_the_admin_never_the_other_side_and_its_review_may_resume_the_peer() -> None:
    accepted = in_status(Status.ACCEPTED)
    reported, [event] = decide(
        accepted, ReportConcern(ConcernReason.SAFETY, "Je ne me suis pas senti à l'aise"), Actor.PEER, NOW
    )
    assert event.payload["by_side"] == "peer" and event.payload["concern"] == 1
    assert "aise" not in event.model_dump_json() and "safety" not in event.model_dump_json(), "what stays in matching"
    assert concerns_seen_by(reported, Side.BENEFICIARY) == (), "the counsellor's side never sees the peer's"
    assert [c.reason for c in concerns_seen_by(reported, Side.PEER)] == [ConcernReason.SAFETY]
    with pytest.raises(RefusedTransition, match="déjà entre les mains"):
        decide(reported, ReportConcern(ConcernReason.OTHER), Actor.PEER, NOW)
    both = decide(reported, ReportConcern(ConcernReason.NO_SHOW), Actor.COUNSELLOR, NOW)[0]
    with pytest.raises(NotYours):
        decide(both, ReviewConcern(1, "counsellor-1", True), Actor.COUNSELLOR, NOW)
    first, [event] = decide(both, ReviewConcern(1, "admin-1", True), Actor.ADMIN, LATER)
    assert event.payload["resume_peer"] is False, "another concern still waits: the peer stays paused"
    cleared, [event] = decide(first, ReviewConcern(2, "admin-1", True), Actor.ADMIN, LATER)
    assert event.payload["resume_peer"] is True and all(c.reviewed_at == LATER for c in cleared.concerns)
    with pytest.raises(RefusedTransition, match="déjà été examiné"):
        decide(cleared, ReviewConcern(2, "admin-1", False), Actor.ADMIN, LATER)
    with pytest.raises(RefusedTransition, match="n° 9"):
        decide(cleared, ReviewConcern(9, "admin-1", False), Actor.ADMIN, LATER)
    erased = decide(cleared, Erase("peer"), Actor.SYSTEM, LATER)[0]
    assert [c.text for c in erased.concerns] == ["", ""] and erased.concerns[0].reason == ConcernReason.SAFETY


def test_every_refusal_names_the_step_and_the_state_in_french() -> None:
    assert set(STEP_WORDS) == set(Action) and set(STATUS_WORDS) == set(Status)
    declined = in_status(Status.DECLINED)
    with pytest.raises(
        RefusedTransition, match=r"^Cette mise en relation est déclinée : on ne peut pas l'accepter\.$"
    ) as refused:
        decide(declined, COMMANDS[Action.ACCEPT], Actor.PEER, NOW)
    assert refused.value.code == "introduction_wrong_status"


def test_a_meeting_step_has_its_own_code() -> None:
    with pytest.raises(RefusedTransition, match="rien à annuler") as refused:
        decide(in_status(Status.ACCEPTED), COMMANDS[Action.CANCEL_APPOINTMENT], Actor.COUNSELLOR, NOW)
    assert refused.value.code == "meeting_step_refused"


def test_without_the_beneficiarys_agreement_nothing_reaches_the_peer_until_it_is_recorded() -> None:
    prepared, events = decide(None, proposal(beneficiary_agreed=False), Actor.COUNSELLOR, NOW)
    assert prepared.status == Status.AWAITING_BENEFICIARY and prepared.sent_at is None
    assert [e.event_type for e in events] == ["matching.introduction.prepared"], "no request for the peer yet"
    assert prepared.places.pending_slot and prepared.places.capacity_slot and prepared.places.open_pair
    with pytest.raises(RefusedTransition, match="en attente de l'accord du bénéficiaire"):
        decide(prepared, Answer(True), Actor.PEER, NOW)
    sent, events = decide(prepared, Agreement(True), Actor.COUNSELLOR, LATER)
    assert sent.status == Status.PROPOSED and sent.sent_at == LATER
    assert [e.event_type for e in events] == ["matching.introduction.proposed"]
    assert sent.expires_at == LATER + timedelta(days=10), "the peer has the whole time to answer, from now"


def test_either_side_declines_without_a_reason() -> None:
    prepared = decide(None, proposal(beneficiary_agreed=False), Actor.COUNSELLOR, NOW)[0]
    declined, events = decide(prepared, Agreement(False), Actor.COUNSELLOR, NOW)
    assert declined.status == Status.DECLINED and declined.declined_by == Side.BENEFICIARY
    assert [e.event_type for e in events] == ["matching.introduction.beneficiary_declined"]
    assert set(events[0].payload) == {
        "introduction_id",
        "beneficiary_id",
        "agency_id",
        "counsellor_id",
        "peer_id",
        "purpose",
    }
    assert not declined.holds_slot and declined.places == type(declined.places)()
    by_peer, events = decide(proposed(), Answer(False), Actor.PEER, NOW)
    assert by_peer.declined_by == Side.PEER and by_peer.decline_reason is None
    assert events[0].payload["decline_reason"] is None
    with_reason = decide(proposed(), Answer(False, DeclineReason.TOO_FAR), Actor.PEER, NOW)[0]
    assert with_reason.decline_reason == DeclineReason.TOO_FAR, "a reason may still be given"
