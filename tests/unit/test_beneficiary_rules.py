from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.contracts.events.profiles import ClosingOutcome, EducationLevel, MeetingMode, Situation
from services.profiles.domain import beneficiary as rules
from services.profiles.domain.access import Actor
from services.profiles.domain.beneficiary_lifecycle import Change, Close, decide

NANTES = "2990969"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def identity(**changes: object) -> rules.Identity:
    fields: dict[str, object] = {"first_name": "Inès", "last_name": "Moreau", "birth_year": 2000}
    return rules.Identity(**(fields | changes))  # type: ignore[arg-type]


def project(**changes: object) -> rules.Project:
    fields: dict[str, object] = {
        "place_id": NANTES,
        "mobility_km": 30,
        "situation": Situation.JOB_SEEKER,
        "education_level": EducationLevel.LEVEL_4,
        "target_jobs": ("m1805",),
    }
    return rules.Project(**(fields | changes))  # type: ignore[arg-type]


def test_minors_are_counted_by_birth_year() -> None:
    assert rules.is_minor(2009, date(2026, 11, 27))
    assert not rules.is_minor(2008, date(2026, 1, 1))


def test_registration_normalizes_codes_and_announces_no_personal_data() -> None:
    beneficiary, event = rules.register("agency-1", "staff-1", identity(), project(languages=("FR", "fr")), True)
    assert beneficiary.project.target_jobs == ("M1805",) and beneficiary.project.languages == ("fr",)
    assert event.payload["target_jobs"] == ["M1805"] and event.payload["counsellor_id"] == "staff-1"
    assert "Inès" not in event.model_dump_json() and "Moreau" not in event.model_dump_json()


def test_every_problem_is_reported_with_its_field() -> None:
    with pytest.raises(rules.InvalidBeneficiary) as raised:
        rules.register(
            "a",
            "s",
            identity(first_name=" ", birth_year=2012),
            project(place_id="nowhere", mobility_km=-1, target_jobs=(), meeting_modes=(), languages=("french",)),
            True,
        )
    fields = {f for f, _ in raised.value.problems}
    assert fields == {"first_name", "guardian", "place_id", "mobility_km", "target_jobs", "meeting_modes", "languages"}


def test_only_a_changed_project_or_counsellor_is_announced() -> None:
    beneficiary, _ = rules.register("a", "s", identity(), project(), True)
    renamed, events = decide(beneficiary, Change(identity=identity(last_name="Morel")), Actor.AGENCY_STAFF, NOW)
    assert events == [] and renamed.version == 2
    moved, events = decide(renamed, Change(project=project(mobility_km=80)), Actor.AGENCY_STAFF, NOW)
    assert [e.event_type for e in events] == ["profiles.beneficiary.project_changed"]
    assert events[0].aggregate_version == moved.version == 3
    _, events = decide(moved, Change(counsellor_id="another"), Actor.AGENCY_STAFF, NOW)
    assert events[0].payload["counsellor_id"] == "another"


def test_closing_announces_a_code_keeps_the_note_and_happens_once() -> None:
    beneficiary, _ = rules.register("a", "s", identity(), project(meeting_modes=(MeetingMode.VIDEO,)), False)
    closing = Close(ClosingOutcome.TRAINING, "  formation   qualifiante ")
    closed, events = decide(beneficiary, closing, Actor.AGENCY_STAFF, NOW)
    assert closed.status == "closed" and closed.outcome_note == "formation qualifiante"
    assert events[0].payload == {"beneficiary_id": beneficiary.beneficiary_id, "agency_id": "a", "outcome": "training"}
    with pytest.raises(rules.InvalidBeneficiary):
        decide(closed, Close(ClosingOutcome.OTHER), Actor.AGENCY_STAFF, NOW)
    with pytest.raises(rules.InvalidBeneficiary):
        decide(closed, Change(project=project()), Actor.AGENCY_STAFF, NOW)


def test_a_date_of_birth_is_kept_for_minors_only_and_never_announced() -> None:
    today = date(2026, 11, 27)
    minor = identity(birth_year=2011, birth_date=date(2011, 2, 28))
    assert rules.birth_date_problems(minor, today) == []
    assert [f for f, _ in rules.birth_date_problems(identity(birth_date=date(2000, 1, 1)), today)] == ["birth_date"]
    other_year = identity(birth_year=2011, birth_date=date(2010, 12, 31))
    assert "2011" in rules.birth_date_problems(other_year, today)[0][1]
    guardian = rules.Guardian("Paul Moreau", phone="0601020304")
    _, event = rules.register(
        "a", "s", identity(birth_year=2011, birth_date=date(2011, 2, 28), guardian=guardian), project(), True
    )
    assert "2011-02-28" not in event.model_dump_json() and event.payload["minor"] is True
