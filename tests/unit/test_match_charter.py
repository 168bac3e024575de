"""Matching suggests only peers who accepted the peers' charter in force: a new version takes them out until
they accept it."""

from __future__ import annotations

import pytest

from services.matching.adapters.projections import suggestible
from services.reference import charter
from services.reference.charter import CURRENT


def test_only_an_active_peer_who_accepted_the_charter_in_force_is_suggestible() -> None:
    assert suggestible({"active": True, "charter_version": CURRENT.version})
    assert not suggestible({"active": True, "charter_version": None}), "not accepted yet"
    assert not suggestible({"active": True}), "a card from before the charter"
    assert not suggestible({"active": False, "charter_version": CURRENT.version}), "withdrawn"
    assert not suggestible(None)


def test_a_new_version_of_the_charter_asks_every_peer_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charter, "CURRENT", charter.Charter("2099-01", CURRENT.published_on, "Charte", ()))
    assert not suggestible({"active": True, "charter_version": CURRENT.version})
