from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.contracts.events.profiles import (
    MeetingMode,
    PeerKind,
    StepKind,
    Transition,
    Visibility,
    WithdrawalReason,
)
from services.profiles.domain import peer as rules
from services.profiles.domain.access import Actor
from services.profiles.domain.peer_lifecycle import Pause, Resume, Update, Withdraw, decide
from services.reference.charter import CURRENT

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def step(
    kind: StepKind = StepKind.JOB, start: str = "2020-01", end: str | None = None, rome: str | None = "M1805"
) -> rules.Step:
    return rules.Step(kind, start, Transition.CHOSEN, end, rome)


def a_peer(**changes: object) -> rules.Peer:
    fields: dict[str, object] = {
        "peer_id": "",
        "agency_id": "a",
        "region_code": "52",
        "kind": PeerKind.APPRENTICE,
        "identity": rules.PeerIdentity("Léa", "Roux", "LEA@example.org"),
        "visibility": Visibility.AGENCY,
        "offer": rules.Offer((MeetingMode.PHONE,)),
        "path": (step(start="2022-09"), step(StepKind.TRAINING, "2021-09", "2022-06")),
    }
    return rules.Peer(**(fields | changes))  # type: ignore[arg-type]


def test_publishing_orders_the_path_and_separates_the_card_from_the_contact() -> None:
    peer, events = rules.publish(a_peer())
    assert [s.start_month for s in peer.path] == ["2021-09", "2022-09"] and peer.identity.email == "lea@example.org"
    assert [e.event_type for e in events] == [
        "profiles.peer.published",
        "profiles.peer.contact_changed",
        "profiles.peer.charter_requested",
    ], "a new peer is asked to accept the charter"
    assert events[0].payload["charter_version"] is None and events[2].payload["charter_version"] == CURRENT.version
    assert not any(w in e.model_dump_json() for e in events for w in ("Léa", "Roux", "lea@example.org"))
    assert events[1].event_version == 2 and events[1].payload == {"peer_id": peer.peer_id, "agency_id": peer.agency_id}


def test_path_rules() -> None:
    today = date(2026, 11, 27)
    problems = dict(rules.path_problems((step(start="2021-05", end="2020-01"),), today))
    assert problems == {"path[0].end_month": "La fin précède le début de cette étape."}
    assert rules.path_problems((step(start="2026-12"),), today)[0][1] == "Ce mois est dans le futur."
    assert rules.path_problems((step(rome=None),), today)[0][0] == "path[0].rome_code"
    assert rules.path_problems((step(StepKind.UNEMPLOYMENT, rome=None),), today) == []
    assert rules.path_problems((step(start="2021-13"),), today)[0][1] == "Indiquez un mois sous la forme AAAA-MM."


def test_only_what_changed_is_announced() -> None:
    peer, _ = rules.publish(a_peer())
    same, events = decide(peer, Update(replace(peer, testimony="Une nouvelle phrase")), Actor.AGENCY_STAFF, NOW)
    assert events == [] and same.version == 2
    offer = rules.Offer((MeetingMode.VIDEO,), capacity_per_month=4)
    moved, events = decide(same, Update(replace(same, offer=offer)), Actor.AGENCY_STAFF, NOW)
    assert [e.event_type for e in events] == ["profiles.peer.updated"] and events[0].payload["capacity_per_month"] == 4
    phone = replace(moved.identity, phone="0600000000")
    _, events = decide(moved, Update(replace(moved, identity=phone)), Actor.AGENCY_STAFF, NOW)
    assert [e.event_type for e in events] == ["profiles.peer.contact_changed"]


def test_an_update_is_checked_like_a_publication() -> None:
    peer, _ = rules.publish(a_peer())
    with pytest.raises(rules.InvalidPeer) as refused:
        decide(peer, Update(replace(peer, path=())), Actor.PEER, NOW)
    assert refused.value.problems == [("path", "Un parcours vécu a au moins une étape.")]


def test_pause_is_idempotent_and_a_withdrawn_peer_is_final() -> None:
    peer, _ = rules.publish(a_peer())
    paused, events = decide(peer, Pause(), Actor.AGENCY_STAFF, NOW)
    assert len(events) == 1 and decide(paused, Pause(), Actor.PEER, NOW) == (paused, [])
    gone, events = decide(paused, Withdraw(WithdrawalReason.BY_REQUEST), Actor.AGENCY_STAFF, NOW)
    assert gone.status == "withdrawn" and events[0].payload["reason"] == "by_request"
    with pytest.raises(rules.InvalidPeer):
        decide(gone, Resume(), Actor.AGENCY_STAFF, NOW)


def test_who_may_see_a_peer() -> None:
    regional, _ = rules.publish(a_peer(visibility=Visibility.REGION))
    private, _ = rules.publish(a_peer())
    assert rules.visible_to(regional, "other", "52") and not rules.visible_to(regional, "other", "53")
    assert not rules.visible_to(private, "other", "52") and rules.visible_to(private, "a", "52")
