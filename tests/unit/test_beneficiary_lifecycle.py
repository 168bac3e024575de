"""Every (status, action) pair of a beneficiary's life cycle, without a database: the allowed ones lead to
the status and events written here, the others are refused with the agency's words, and only the table's
actors act."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import product

import pytest

from services.contracts.events.profiles import ClosingOutcome, StepKind
from services.profiles.domain import beneficiary as rules
from services.profiles.domain.access import Actor
from services.profiles.domain.beneficiary_lifecycle import (
    REFUSALS,
    TRANSITIONS,
    Action,
    Change,
    Close,
    Command,
    Erase,
    LeaveMatching,
    RecordLivedStep,
    decide,
)
from services.profiles.domain.lifecycle import NotYours
from tests.unit.test_beneficiary_rules import identity, project

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
Status = rules.Status
IMMERSION = rules.LivedStep(
    "conv-1", StepKind.IMMERSION, date(2026, 3, 2), date(2026, 3, 13), "M1805", "62", "2990969", "confirmed"
)

ALLOWED: dict[tuple[rules.Status, Action], tuple[rules.Status, list[str]]] = {
    (Status.ACTIVE, Action.CHANGE): (Status.ACTIVE, ["profiles.beneficiary.project_changed"]),
    (Status.ACTIVE, Action.CLOSE): (Status.CLOSED, ["profiles.beneficiary.closed"]),
    (Status.ACTIVE, Action.LEAVE_MATCHING): (Status.ACTIVE, ["profiles.beneficiary.project_changed"]),
    (Status.ACTIVE, Action.RECORD_LIVED_STEP): (Status.ACTIVE, []),
    (Status.ACTIVE, Action.ERASE): (Status.ERASED, ["profiles.person.erased"]),
    (Status.CLOSED, Action.RECORD_LIVED_STEP): (Status.CLOSED, []),
    (Status.CLOSED, Action.ERASE): (Status.ERASED, ["profiles.person.erased"]),
}
REFUSED: dict[tuple[rules.Status, Action], str] = {
    (Status.CLOSED, Action.CHANGE): "Cet accompagnement est clos : le dossier ne change plus.",
    (Status.CLOSED, Action.CLOSE): "Cet accompagnement est déjà clos.",
    (Status.CLOSED, Action.LEAVE_MATCHING): "Cet accompagnement est clos : il n'est déjà plus proposé aux pairs.",
    **{(Status.ERASED, action): "Ce dossier a été effacé." for action in Action},
}
ACTORS: dict[Action, set[Actor]] = {
    Action.CHANGE: {Actor.AGENCY_STAFF},
    Action.CLOSE: {Actor.AGENCY_STAFF},
    Action.LEAVE_MATCHING: {Actor.PLATFORM},
    Action.RECORD_LIVED_STEP: {Actor.PLATFORM},
    Action.ERASE: {Actor.AGENCY_STAFF},
}
COMMANDS: dict[Action, Command] = {
    Action.CHANGE: Change(project=project(mobility_km=80)),
    Action.CLOSE: Close(ClosingOutcome.EMPLOYMENT),
    Action.LEAVE_MATCHING: LeaveMatching(),
    Action.RECORD_LIVED_STEP: RecordLivedStep(IMMERSION),
    Action.ERASE: Erase(),
}


def beneficiary_at(status: rules.Status) -> rules.Beneficiary:
    registered, _ = rules.register("a", "s", identity(), project(), True, now=NOW)
    return registered if status is Status.ACTIVE else replace(registered, status=status, version=2)


def test_the_table_is_the_one_written_here_and_every_pair_is_either_allowed_or_refused() -> None:
    every_pair = set(product(Status, Action))
    assert set(TRANSITIONS) == set(ALLOWED) and set(REFUSALS) == set(REFUSED)
    assert set(ALLOWED) | set(REFUSED) == every_pair and not set(ALLOWED) & set(REFUSED)
    assert {key: rule.to for key, rule in TRANSITIONS.items()} == {key: to for key, (to, _) in ALLOWED.items()}


@pytest.mark.parametrize(("status", "action"), sorted(ALLOWED))
def test_an_allowed_step_leads_to_its_status_with_its_events(status: rules.Status, action: Action) -> None:
    beneficiary = beneficiary_at(status)
    to, event_types = ALLOWED[(status, action)]
    for actor in ACTORS[action]:
        changed, events = decide(beneficiary, COMMANDS[action], actor, NOW)
        assert changed.status is to and changed.version == beneficiary.version + 1
        assert [e.event_type for e in events] == event_types
        assert all(e.aggregate_version == changed.version for e in events)


@pytest.mark.parametrize(("status", "action"), sorted(ALLOWED))
def test_only_the_tables_actors_take_a_step(status: rules.Status, action: Action) -> None:
    for actor in set(Actor) - ACTORS[action]:
        with pytest.raises(NotYours):
            decide(beneficiary_at(status), COMMANDS[action], actor, NOW)


@pytest.mark.parametrize(("status", "action"), sorted(REFUSED))
def test_a_refused_step_says_why_on_the_status(status: rules.Status, action: Action) -> None:
    for actor in Actor:
        with pytest.raises(rules.InvalidBeneficiary) as refused:
            decide(beneficiary_at(status), COMMANDS[action], actor, NOW)
        assert refused.value.problems == [("status", REFUSED[(status, action)])]


def test_steps_that_change_nothing_are_not_written() -> None:
    beneficiary = beneficiary_at(Status.CLOSED)
    recorded, _ = decide(beneficiary, RecordLivedStep(IMMERSION), Actor.PLATFORM, NOW)
    assert decide(recorded, RecordLivedStep(IMMERSION), Actor.PLATFORM, NOW) == (recorded, []), "events come twice"
    unmatched, events = decide(beneficiary_at(Status.ACTIVE), LeaveMatching(), Actor.PLATFORM, NOW)
    assert not unmatched.consent.matching and events[0].payload["matching_consent"] is False
    assert decide(unmatched, LeaveMatching(), Actor.PLATFORM, NOW) == (unmatched, [])


def test_lived_steps_are_kept_in_date_order_and_erasure_is_announced_to_every_service() -> None:
    earlier = replace(IMMERSION, source_id="conv-0", start_date=date(2025, 5, 5), end_date=date(2025, 5, 9))
    once, _ = decide(beneficiary_at(Status.ACTIVE), RecordLivedStep(IMMERSION), Actor.PLATFORM, NOW)
    twice, _ = decide(once, RecordLivedStep(earlier), Actor.PLATFORM, NOW)
    assert [s.source_id for s in twice.path] == ["conv-0", "conv-1"]
    erased, events = decide(twice, Erase(), Actor.AGENCY_STAFF, NOW)
    assert erased.erased_at == NOW and events[0].aggregate_type == "person"
    assert events[0].payload == {"person_id": twice.beneficiary_id, "person_kind": "beneficiary", "agency_id": "a"}
