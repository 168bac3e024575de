"""An introduction's life cycle without a database: `decide` walked over every (status, action) pair of
the transition table (each allowed pair gives its status, its event and the places it gives back; each
forbidden pair is refused, naming the status), every actor who may not take a step, and the rules
within the steps."""

from __future__ import annotations

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
    TRANSITIONS,
    Action,
    Answer,
    Cancel,
    Command,
    DeclineReason,
    Erase,
    Expire,
    GiveFeedback,
    Introduction,
    Proposal,
    Propose,
    RecordMeeting,
    RefusedTransition,
    Remind,
    Side,
    Status,
    decide,
    meeting_follows,
)
from services.matching.domain.introduction_rules import JOB_INQUIRY_GUIDE, Purpose
from services.matching.domain.model import BeneficiaryView, PeerView, Step

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


def proposal(beneficiary: BeneficiaryView = BENEFICIARY, **asked: object) -> Propose:
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
    Action.ACCEPT: Answer(True, message="Avec plaisir"),
    Action.DECLINE: Answer(False, DeclineReason.NO_TIME, "Pas ce mois-ci"),
    Action.REMIND: Remind(),
    Action.EXPIRE: Expire(),
    Action.CANCEL: Cancel("staff-1"),
    Action.RECORD_MEETING: RecordMeeting(date(2026, 11, 20), "in_person", "Très concret."),
    Action.GIVE_FEEDBACK: GiveFeedback(True, 4, "Utile"),
    Action.ERASE: Erase("beneficiary"),
}
STEP = {
    Action.ACCEPT: "answered",
    Action.DECLINE: "answered",
    Action.REMIND: "reminder_due",
    Action.EXPIRE: "expired",
    Action.CANCEL: "cancelled",
    Action.RECORD_MEETING: "meeting_recorded",
    Action.GIVE_FEEDBACK: "feedback_given",
}
ON_THE_WAY = {  # how each status is reached from a proposal
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
    for action in ON_THE_WAY[status]:
        introduction = decide(introduction, COMMANDS[action], actor_for(action), NOW)[0]
    assert introduction.status == status
    return introduction


@pytest.mark.parametrize("action", STEPS)
@pytest.mark.parametrize("status", list(Status))
def test_every_status_and_action_of_the_table(status: Status, action: Action) -> None:
    introduction = in_status(status)
    to = TRANSITIONS.get((status, action))
    if to is None:
        with pytest.raises(RefusedTransition, match=status.value):
            decide(introduction, COMMANDS[action], actor_for(action), LATER)
        return
    changed, events = decide(introduction, COMMANDS[action], actor_for(action), LATER)
    assert changed.status == to and changed.version == introduction.version + 1
    assert [e.event_type for e in events] == ([f"matching.introduction.{STEP[action]}"] if action in STEP else [])
    assert all(e.aggregate_id == changed.id and e.aggregate_version == changed.version for e in events)
    assert all(e.tenant_id == changed.agency_id and e.payload["peer_id"] == PEER.peer_id for e in events)
    assert changed.holds_slot == (introduction.holds_slot and to in HOLDS_SLOT)
    assert (changed.places.capacity_slot is not None) == changed.holds_slot
    assert (changed.places.pending_slot is not None) == (to == Status.PROPOSED)
    assert (changed.places.open_pair is not None) == (to in OPEN)


@pytest.mark.parametrize("status", list(Status))
def test_a_proposal_is_only_for_an_introduction_not_made_yet(status: Status) -> None:
    with pytest.raises(RefusedTransition, match="already proposed"):
        decide(in_status(status), proposal(), Actor.COUNSELLOR, NOW)


@pytest.mark.parametrize("action", STEPS)
def test_every_other_step_needs_an_introduction(action: Action) -> None:
    with pytest.raises(RefusedTransition, match="no introduction"):
        decide(None, COMMANDS[action], actor_for(action), NOW)


@pytest.mark.parametrize(
    ("action", "actor"), [(action, actor) for action in Action for actor in Actor if actor not in ACTORS[action]]
)
def test_a_step_is_refused_to_whoever_does_not_take_it(action: Action, actor: Actor) -> None:
    status = next(s for s, a in TRANSITIONS if a == action) if action != Action.PROPOSE else None
    introduction = None if status is None else in_status(status)
    command = proposal() if action == Action.PROPOSE else COMMANDS[action]
    with pytest.raises(NotYours, match=actor.value):
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


def test_a_decline_says_why_before_anything_else() -> None:
    with pytest.raises(InvalidInput, match="pourquoi"):
        decide(in_status(Status.EXPIRED), Answer(False), Actor.PEER, NOW)


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
    with pytest.raises(RefusedTransition, match="already been reminded"):
        decide(reminded, Remind(), Actor.SYSTEM, LATER)


def test_a_meeting_is_held_in_a_way_both_agreed_on() -> None:
    with pytest.raises(InvalidInput, match="façons de se rencontrer convenues"):
        decide(in_status(Status.ACCEPTED), RecordMeeting(date(2026, 11, 20), "video"), Actor.COUNSELLOR, NOW)
    met, [event] = decide(in_status(Status.ACCEPTED), RecordMeeting(date(2026, 11, 20), None), Actor.SYSTEM, NOW)
    assert met.meeting is not None and met.meeting.mode is None and event.payload["held_on"] == "2026-11-20"


def test_each_side_gives_its_feedback_once_and_a_meeting_that_took_place_follows() -> None:
    accepted = in_status(Status.ACCEPTED)
    feedback = GiveFeedback(True, 5, "Très utile")
    by_counsellor, [event] = decide(accepted, feedback, Actor.COUNSELLOR, NOW)
    assert set(by_counsellor.feedback) == {Side.BENEFICIARY} and event.payload["side"] == "beneficiary"
    assert meeting_follows(by_counsellor, feedback), "nobody recorded it: the feedback counts as the meeting"
    by_peer, [event] = decide(by_counsellor, GiveFeedback(False, None), Actor.PEER, NOW)
    assert set(by_peer.feedback) == {Side.BENEFICIARY, Side.PEER} and event.payload["side"] == "peer"
    with pytest.raises(RefusedTransition, match="beneficiary has already given feedback"):
        decide(by_peer, feedback, Actor.COUNSELLOR, NOW)
    with pytest.raises(InvalidInput, match="combien la rencontre a été utile"):
        decide(accepted, GiveFeedback(True, None), Actor.PEER, NOW)
    with pytest.raises(InvalidInput, match="ne se note pas"):
        decide(accepted, GiveFeedback(False, 3), Actor.PEER, NOW)
    assert not meeting_follows(in_status(Status.MET), feedback), "already recorded"


def test_an_erasure_takes_the_free_text_and_keeps_the_facts() -> None:
    met = in_status(Status.MET)
    met = decide(met, GiveFeedback(True, 4, "Il m'a parlé de sa maladie"), Actor.COUNSELLOR, NOW)[0]
    erased, events = decide(met, Erase("beneficiary"), Actor.SYSTEM, NOW)
    assert events == [] and erased.version == met.version + 1 and erased.erased_party == "beneficiary"
    assert erased.message == "" and erased.answer_message == "" and erased.questions == ()
    assert erased.meeting is not None and erased.meeting.summary == "" and erased.meeting.held_on == date(2026, 11, 20)
    assert erased.feedback[Side.BENEFICIARY].comment == "" and erased.feedback[Side.BENEFICIARY].usefulness == 4
    assert erased.status == Status.MET and erased.peer_id == met.peer_id
