"""An introduction's stored document is the one the platform always wrote: read back as the type and
written again, a document of every step comes out the same (a field appears only with its step)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.matching.adapters.introductions import from_document, to_document
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import Answer, Cancel, Command, Erase, GiveFeedback, RecordMeeting, decide
from tests.unit.test_match_introduction_lifecycle import NOW, proposed

STORED: dict[str, Any] = {
    "_id": "introduction-1",
    "beneficiary_id": "beneficiary-1",
    "agency_id": "agency-1",
    "counsellor_id": "counsellor-1",
    "proposed_by": "staff-1",
    "peer_id": "peer-1",
    "peer_agency_id": "agency-2",
    "purpose": "testimony",
    "target_job": "M1805",
    "meeting_modes": ["in_person"],
    "message": "Sofiane aimerait vous entendre.",
    "questions": [],
    "mentoring_months": None,
    "counsellor_present": False,
    "status": "proposed",
    "month": "2026-11",
    "holds_slot": True,
    "capacity_slot": "peer-1/2026-11/2",
    "pending_slot": "beneficiary-1/1",
    "open_pair": "beneficiary-1/peer-1",
    "proposed_at": NOW,
    "expires_at": datetime(2026, 11, 12, 9, 30, tzinfo=UTC),
    "remind_at": datetime(2026, 11, 9, 9, 30, tzinfo=UTC),
    "reminded": False,
    "sent_at": NOW,  # added with the beneficiary's agreement (an older document without it was sent when proposed)
    "feedback": {},
}


def test_a_proposal_is_stored_as_it_always_was() -> None:
    assert to_document(proposed()) == STORED
    assert list(to_document(proposed())) == list(STORED), "in the same order"


def test_every_step_reads_back_as_it_was_written() -> None:
    introduction = proposed()
    steps: list[tuple[Command, Actor]] = [
        (Answer(True, message="Oui"), Actor.PEER),
        (RecordMeeting(date(2026, 11, 1), "in_person", "Bien"), Actor.COUNSELLOR),
        (GiveFeedback(True, 5, "Très utile"), Actor.COUNSELLOR),
        (Erase("beneficiary"), Actor.SYSTEM),
    ]
    for command, actor in steps:
        introduction = decide(introduction, command, actor, NOW)[0]
        document = {**to_document(introduction), "version": introduction.version}
        assert from_document(document) == introduction
    document = to_document(introduction)
    assert document["answered_at"] == NOW and document["decline_reason"] is None and document["answer_message"] == ""
    assert document["meeting"] == {"held_on": "2026-11-01", "mode": "in_person", "summary": ""}
    assert document["feedback"] == {
        "beneficiary": {"took_place": True, "usefulness": 5, "comment": "", "no_show": False, "project_effect": None}
    }
    assert document["erased_party"] == "beneficiary" and "cancelled_by" not in document


def test_a_cancelled_request_gives_its_places_back_as_nulls() -> None:
    cancelled = to_document(decide(proposed(), Cancel("staff-2"), Actor.COUNSELLOR, NOW)[0])
    assert cancelled["cancelled_by"] == "staff-2" and cancelled["holds_slot"] is False
    assert cancelled["capacity_slot"] is None and cancelled["pending_slot"] is None and cancelled["open_pair"] is None
    assert "answered_at" not in cancelled and "answer_message" not in cancelled


def test_a_document_from_before_the_agreement_was_sent_when_proposed() -> None:
    older = {key: value for key, value in STORED.items() if key != "sent_at"}
    assert from_document({**older, "version": 1}).sent_at == NOW
