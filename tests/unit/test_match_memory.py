"""Matching's memory takes changes in any order from two ways (its own writes, and the follower of every
instance's), so an older change never replaces a newer one; a peer's record is counted, never incremented."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from services.matching.adapters.projections import beneficiary_view, peer_view
from services.matching.domain.model import Reliability
from services.matching.domain.peer_record import Facts, PeerRecord, first_free, record_of
from services.matching.memory import Memory, current_month

FIXTURES = Path(__file__).parents[1] / "contract" / "fixtures"


def golden(event_type: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{event_type}.v1.json").read_text())["payload"])


CARD = golden("profiles.peer.published")
PEER = peer_view({**CARD, "_id": CARD["peer_id"], "active": True})
PROJECT = golden("profiles.beneficiary.registered")
BENEFICIARY = beneficiary_view({**PROJECT, "_id": PROJECT["beneficiary_id"], "active": True}, "52")


def test_a_record_counts_every_introduction_once() -> None:
    history = [
        Facts("2026-11", holds_slot=True, answer_hours=2.0, met=True, usefulness=4),
        Facts("2026-12", holds_slot=True, answer_hours=10.0),
        Facts("2026-12", holds_slot=False, answer_hours=1.0),  # declined
        Facts("2026-12", holds_slot=False),  # expired unanswered
    ]
    record = record_of(history)
    assert record == PeerRecord(
        {"2026-11": 1, "2026-12": 1},
        Reliability(proposed=4, answered=3, meetings=1, useful_sum=4, ratings=1, answer_hours=13.0),
    )
    assert record_of(history) == record, "counting again gives the same"
    assert record_of([]) == PeerRecord({}, Reliability())


def test_the_first_free_place() -> None:
    assert first_free([], 3) == 1
    assert first_free([1, 3], 3) == 2
    assert first_free([2, 1, 3], 3) is None
    assert first_free([5], 1) == 1, "places beyond the capacity (it was lowered) take none below it"


def test_an_older_version_of_a_peer_never_replaces_a_newer_one_nor_brings_it_back() -> None:
    memory = Memory()
    memory.put_peer(replace(PEER, capacity_per_month=5), 3)
    memory.put_peer(replace(PEER, capacity_per_month=1), 2)
    kept = memory.peer(PEER.peer_id)
    assert kept is not None and kept.capacity_per_month == 5
    memory.remove_peer(PEER.peer_id, 4)
    memory.put_peer(PEER, 3)
    assert memory.peer(PEER.peer_id) is None, "a late card does not bring a withdrawn peer back"
    memory.put_peer(PEER, 5)
    assert memory.peer(PEER.peer_id) is not None


def test_an_older_version_of_a_beneficiary_or_a_list_is_ignored() -> None:
    memory = Memory()
    memory.put_beneficiary(BENEFICIARY, 2)
    memory.remove_beneficiary(BENEFICIARY.beneficiary_id, 1)
    assert len(memory.beneficiaries) == 1
    memory.remove_beneficiary(BENEFICIARY.beneficiary_id, 3)
    memory.put_beneficiary(BENEFICIARY, 2)
    assert len(memory.beneficiaries) == 0

    memory.set_list("b", ("p1", "p2"), 0.5, 4)
    memory.set_list("b", ("p3",), 0.0, 3)
    assert memory.lists["b"] == ("p1", "p2") and memory.holders["p1"] == {"b"} and not memory.holders.get("p3")
    memory.set_list("b", ("p2",), 0.0, 5)
    assert memory.lists.get("b") == ("p2",) and memory.holders["p1"] == set()


def test_a_record_counted_earlier_never_replaces_one_counted_later() -> None:
    memory = Memory()
    memory.put_peer(PEER, 1)
    month = current_month()
    earlier, later = memory.count_ticket(), memory.count_ticket()
    memory.set_record(PEER.peer_id, PeerRecord({month: 2}, Reliability(proposed=2)), later)
    memory.set_record(PEER.peer_id, PeerRecord({month: 1}, Reliability(proposed=1)), earlier)
    assert memory.load_of(PEER.peer_id, month).booked == 2
    peer = memory.peer(PEER.peer_id)
    assert peer is not None and peer.reliability == Reliability(proposed=2), "the index holds the new reliability"
