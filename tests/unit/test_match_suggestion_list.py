"""A suggestion list's life cycle without a database: `decide` over every (status, action) pair (each
is allowed to its actor and refused to the others), the offers made only to peers who newly enter, the
announcement only of a change, and nothing at all when nothing changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from services.contracts.envelope import Envelope
from services.matching.domain.actor import Actor, NotYours
from services.matching.domain.score import Scored
from services.matching.domain.suggestion_list import (
    ACTORS,
    STEP_WORDS,
    TOP,
    TRANSITIONS,
    Action,
    Addressee,
    Command,
    Dismiss,
    Enter,
    Rank,
    Status,
    SuggestionList,
    decide,
)

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
FOR = Addressee("agency-1", "counsellor-1")


def scored(peer_id: str, total: float) -> Scored:
    return Scored(peer_id, total, {"job": 1.0}, (f"a reason for {peer_id}",))


A, B, C = scored("a", 0.9), scored("b", 0.8), scored("c", 0.85)
LISTS = {
    Status.NEW: SuggestionList("beneficiary-1"),
    Status.EMPTY: SuggestionList("beneficiary-1", "agency-1", version=3),
    Status.LISTING: SuggestionList("beneficiary-1", "agency-1", ("a", "b"), (0.9, 0.8), 0.0, 4),
}
COMMANDS: dict[Action, Command] = {
    Action.RANK: Rank((A, C, B), FOR),
    Action.ENTER: Enter(C, FOR),
    Action.DISMISS: Dismiss("b", "staff-1", "agency-1", (A, C), FOR),
}


def types(events: Sequence[Envelope]) -> list[str]:
    return [e.event_type.rsplit(".", 1)[1] for e in events]


def test_the_table_has_every_pair() -> None:
    assert set(TRANSITIONS) == {(s, a) for s in Status for a in Action}
    assert {a: TRANSITIONS[(Status.NEW, a)] for a in Action} == ACTORS


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_every_status_and_action(status: Status, action: Action) -> None:
    current = LISTS[status]
    assert current.status == status
    [actor] = TRANSITIONS[(status, action)]
    changed, events = decide(current, COMMANDS[action], actor, NOW)
    before = set(current.peers)
    assert changed.version == current.version + 1 and changed.status == Status.LISTING
    assert all(e.aggregate_version == changed.version and e.aggregate_id == "beneficiary-1" for e in events)
    offered = [e.payload["peer_id"] for e in events if e.event_type == "matching.suggestion.offered"]
    assert offered == [p for p in changed.peers if p not in before], "only the peers who newly enter"
    assert types(events)[-1] == "ranked" and events[-1].payload["peers"] == list(changed.peers)
    assert (types(events)[0] == "dismissed") == (action == Action.DISMISS)
    if action == Action.DISMISS:
        assert "b" not in changed.peers and events[0].payload == {
            "beneficiary_id": "beneficiary-1",
            "agency_id": "agency-1",
            "peer_id": "b",
            "staff_id": "staff-1",
        }
    if action == Action.ENTER:
        assert changed.peers == ("c",) if status != Status.LISTING else changed.peers == ("a", "c", "b")


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [(s, a, actor) for (s, a), allowed in TRANSITIONS.items() for actor in Actor if actor not in allowed],
)
def test_every_pair_is_refused_to_whoever_does_not_take_it(status: Status, action: Action, actor: Actor) -> None:
    with pytest.raises(NotYours, match=f"vous ne pouvez pas {STEP_WORDS[action]}"):
        decide(LISTS[status], COMMANDS[action], actor, NOW)


def test_an_offer_says_where_and_why_the_peer_entered() -> None:
    _, events = decide(LISTS[Status.LISTING], COMMANDS[Action.RANK], Actor.SYSTEM, NOW)
    [offer] = [e for e in events if e.event_type == "matching.suggestion.offered"]
    assert offer.payload == {
        "beneficiary_id": "beneficiary-1",
        "agency_id": "agency-1",
        "counsellor_id": "counsellor-1",
        "peer_id": "c",
        "rank": 2,
        "score": 0.85,
        "reasons": ["a reason for c"],
    }


def test_the_same_ranking_changes_nothing_and_writes_nothing() -> None:
    listing = LISTS[Status.LISTING]
    assert decide(listing, Rank((A, B), FOR), Actor.SYSTEM, NOW) == (listing, [])
    assert decide(LISTS[Status.NEW], Rank((), FOR), Actor.SYSTEM, NOW) == (LISTS[Status.NEW], [])
    assert decide(LISTS[Status.EMPTY], Rank((), FOR), Actor.SYSTEM, NOW) == (LISTS[Status.EMPTY], [])


def test_a_dismissal_is_written_even_when_the_list_stays_the_same() -> None:
    changed, events = decide(LISTS[Status.EMPTY], Dismiss("x", "staff-1", "agency-1", (), FOR), Actor.COUNSELLOR, NOW)
    assert types(events) == ["dismissed"] and changed.version == 4 and changed.peers == ()


def test_a_peer_who_stays_is_not_offered_again_and_a_rescore_is_announced() -> None:
    listing = LISTS[Status.LISTING]
    changed, events = decide(listing, Enter(scored("b", 0.95), FOR), Actor.SYSTEM, NOW)
    assert changed.peers == ("b", "a") and types(events) == ["ranked"]


def test_a_full_list_has_the_last_score_as_its_threshold_and_keeps_its_best() -> None:
    full = tuple(scored(f"p{n}", 0.5 + n / 100) for n in range(TOP, 0, -1))
    changed, _ = decide(LISTS[Status.NEW], Rank(full, FOR), Actor.SYSTEM, NOW)
    assert changed.threshold == pytest.approx(0.51)
    entered, events = decide(changed, Enter(scored("new", 0.55), FOR), Actor.SYSTEM, NOW)
    assert len(entered.peers) == TOP and "p1" not in entered.peers and entered.threshold == pytest.approx(0.52)
    assert types(events) == ["offered", "ranked"]


def test_a_list_whose_beneficiary_left_empties_without_offers_and_keeps_its_agency() -> None:
    listing = LISTS[Status.LISTING]
    changed, events = decide(listing, Rank((), None), Actor.SYSTEM, NOW)
    assert changed.status == Status.EMPTY and changed.agency_id == "agency-1" and types(events) == ["ranked"]
    unknown, events = decide(
        SuggestionList("b-2", version=1, peers=("a",), scores=(0.9,)), Rank((), None), Actor.SYSTEM, NOW
    )
    assert unknown.agency_id is None and events[0].tenant_id is None
