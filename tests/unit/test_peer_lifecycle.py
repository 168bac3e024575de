"""Every (stage, action) pair of a peer's life cycle, without a database: the allowed ones lead to the stage
and events written here, the others are refused with the agency's words, and only the table's actors act."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import product

import pytest

from services.contracts.events.profiles import WithdrawalReason
from services.profiles.domain import peer as rules
from services.profiles.domain.access import Actor
from services.profiles.domain.lifecycle import NotYours
from services.profiles.domain.peer_lifecycle import (
    REFUSALS,
    TRANSITIONS,
    AcceptCharter,
    Action,
    AskCharter,
    Command,
    Erase,
    Pause,
    Resume,
    Update,
    Withdraw,
    decide,
)
from services.reference import charter
from services.reference.charter import CURRENT
from tests.unit.test_peer_rules import a_peer

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
Stage = rules.Stage

PUBLISHED_EVENT = ["profiles.peer.updated"]
ALLOWED: dict[tuple[rules.Stage, Action], tuple[rules.Stage, list[str]]] = {
    (Stage.PUBLISHED, Action.UPDATE): (Stage.PUBLISHED, PUBLISHED_EVENT),
    (Stage.PUBLISHED, Action.PAUSE): (Stage.PAUSED, ["profiles.peer.paused"]),
    (Stage.PUBLISHED, Action.RESUME): (Stage.PUBLISHED, []),
    (Stage.PUBLISHED, Action.WITHDRAW): (Stage.WITHDRAWN, ["profiles.peer.withdrawn"]),
    (Stage.PUBLISHED, Action.ERASE): (Stage.ERASED, ["profiles.person.erased"]),
    (Stage.PAUSED, Action.UPDATE): (Stage.PAUSED, PUBLISHED_EVENT),
    (Stage.PAUSED, Action.PAUSE): (Stage.PAUSED, []),
    (Stage.PAUSED, Action.RESUME): (Stage.PUBLISHED, ["profiles.peer.paused"]),
    (Stage.PAUSED, Action.WITHDRAW): (Stage.WITHDRAWN, ["profiles.peer.withdrawn"]),
    (Stage.PAUSED, Action.ERASE): (Stage.ERASED, ["profiles.person.erased"]),
    (Stage.WITHDRAWN, Action.ERASE): (Stage.ERASED, ["profiles.person.erased"]),
    # a new peer has not accepted the charter yet: accepting it tells matching (on the card)
    (Stage.PUBLISHED, Action.ACCEPT_CHARTER): (Stage.PUBLISHED, PUBLISHED_EVENT),
    (Stage.PAUSED, Action.ACCEPT_CHARTER): (Stage.PAUSED, PUBLISHED_EVENT),
    (Stage.PUBLISHED, Action.ASK_CHARTER): (Stage.PUBLISHED, ["profiles.peer.charter_requested"]),
    (Stage.PAUSED, Action.ASK_CHARTER): (Stage.PAUSED, ["profiles.peer.charter_requested"]),
}
REFUSED: dict[tuple[rules.Stage, Action], str] = {
    (Stage.WITHDRAWN, Action.UPDATE): "Ce pair s'est retiré : son profil ne change plus.",
    (Stage.WITHDRAWN, Action.PAUSE): "Ce pair s'est retiré : il ne peut plus être mis en pause.",
    (Stage.WITHDRAWN, Action.RESUME): "Ce pair s'est retiré : il ne peut plus reprendre.",
    (Stage.WITHDRAWN, Action.WITHDRAW): "Ce pair s'est déjà retiré.",
    (Stage.WITHDRAWN, Action.ACCEPT_CHARTER): "Vous vous êtes retiré : il n'y a plus de charte à accepter.",
    (Stage.WITHDRAWN, Action.ASK_CHARTER): "Ce pair s'est retiré : la charte ne lui est plus demandée.",
    **{(Stage.ERASED, action): "Ce pair a été effacé." for action in Action},
}
ACTORS: dict[Action, set[Actor]] = {
    Action.UPDATE: {Actor.AGENCY_STAFF, Actor.PEER},
    Action.PAUSE: {Actor.AGENCY_STAFF, Actor.PEER, Actor.PLATFORM},  # the platform: a concern reported
    Action.RESUME: {Actor.AGENCY_STAFF, Actor.PEER, Actor.PLATFORM},  # and reviewed
    Action.WITHDRAW: {Actor.AGENCY_STAFF, Actor.PLATFORM},
    Action.ERASE: {Actor.AGENCY_STAFF},
    Action.ACCEPT_CHARTER: {Actor.PEER},  # only the peer says they accept it
    Action.ASK_CHARTER: {Actor.AGENCY_STAFF},
}


def peer_at(stage: rules.Stage) -> rules.Peer:
    published, _ = rules.publish(a_peer(), now=NOW)
    return {
        Stage.PUBLISHED: published,
        Stage.PAUSED: replace(published, paused=True, version=2),
        Stage.WITHDRAWN: replace(published, status=rules.Status.WITHDRAWN, version=2),
        Stage.ERASED: replace(published, status=rules.Status.ERASED, version=2, erased_at=NOW),
    }[stage]


def command_for(action: Action, peer: rules.Peer) -> Command:
    commands: dict[Action, Command] = {
        Action.UPDATE: Update(replace(peer, offer=replace(peer.offer, capacity_per_month=5))),
        Action.PAUSE: Pause(),
        Action.RESUME: Resume(),
        Action.WITHDRAW: Withdraw(WithdrawalReason.BY_REQUEST),
        Action.ERASE: Erase(),
        Action.ACCEPT_CHARTER: AcceptCharter(CURRENT.version),
        Action.ASK_CHARTER: AskCharter(),
    }
    return commands[action]


def test_the_table_is_the_one_written_here_and_every_pair_is_either_allowed_or_refused() -> None:
    every_pair = set(product(Stage, Action))
    assert set(TRANSITIONS) == set(ALLOWED) and set(REFUSALS) == set(REFUSED)
    assert set(ALLOWED) | set(REFUSED) == every_pair and not set(ALLOWED) & set(REFUSED)
    assert {key: rule.to for key, rule in TRANSITIONS.items()} == {key: to for key, (to, _) in ALLOWED.items()}


@pytest.mark.parametrize(("stage", "action"), sorted(ALLOWED))
def test_an_allowed_step_leads_to_its_stage_with_its_events(stage: rules.Stage, action: Action) -> None:
    peer = peer_at(stage)
    to, event_types = ALLOWED[(stage, action)]
    for actor in ACTORS[action]:
        changed, events = decide(peer, command_for(action, peer), actor, NOW)
        assert changed.stage is to
        assert [e.event_type for e in events] == event_types
        if changed is peer:
            assert events == [], "a step that changes nothing says nothing"
        else:
            assert changed.version == peer.version + 1
            assert all(e.aggregate_id == peer.peer_id and e.aggregate_version == changed.version for e in events)


@pytest.mark.parametrize(("stage", "action"), sorted(ALLOWED))
def test_only_the_tables_actors_take_a_step(stage: rules.Stage, action: Action) -> None:
    peer = peer_at(stage)
    for actor in set(Actor) - ACTORS[action]:
        with pytest.raises(NotYours):
            decide(peer, command_for(action, peer), actor, NOW)


@pytest.mark.parametrize(("stage", "action"), sorted(REFUSED))
def test_a_refused_step_says_why_on_the_status(stage: rules.Stage, action: Action) -> None:
    peer = peer_at(stage)
    for actor in Actor:
        with pytest.raises(rules.InvalidPeer) as refused:
            decide(peer, command_for(action, peer), actor, NOW)
        assert refused.value.problems == [("status", REFUSED[(stage, action)])]


def test_what_each_step_changes() -> None:
    peer = peer_at(Stage.PAUSED)
    withdrawn, events = decide(peer, Withdraw(WithdrawalReason.CONSENT_EXPIRED), Actor.PLATFORM, NOW)
    assert withdrawn.status == "withdrawn" and withdrawn.paused, "withdrawing keeps the pause as it was"
    assert events[0].payload["reason"] == "consent_expired"
    resumed, events = decide(peer, Resume(), Actor.PEER, NOW)
    assert not resumed.paused and events[0].payload == {"peer_id": peer.peer_id, "agency_id": "a", "paused": False}
    erased, events = decide(withdrawn, Erase(), Actor.AGENCY_STAFF, NOW)
    assert erased.erased_at == NOW and erased.version == withdrawn.version + 1
    assert events[0].payload == {"person_id": peer.peer_id, "person_kind": "peer", "agency_id": "a"}
    assert events[0].aggregate_type == "person", "published on the person's stream, for every service"
    revised, _ = decide(peer, Update(replace(peer, paused=False, status=rules.Status.WITHDRAWN)), Actor.PEER, NOW)
    assert revised.paused and revised.status == "published", "an update neither pauses nor withdraws"


def test_the_charter_is_accepted_once_in_its_version_in_force_and_a_new_version_asks_again() -> None:
    peer = peer_at(Stage.PUBLISHED)
    assert not peer.charter_accepted and rules.card(peer)["charter_version"] is None
    with pytest.raises(rules.InvalidPeer) as old:
        decide(peer, AcceptCharter("2020-01"), Actor.PEER, NOW)
    assert old.value.problems[0][0] == "version" and "plus en vigueur" in old.value.problems[0][1]
    accepted, [event] = decide(peer, AcceptCharter(CURRENT.version), Actor.PEER, NOW)
    assert accepted.charter == rules.CharterAcceptance(CURRENT.version, NOW) and accepted.charter_accepted
    assert event.event_type == "profiles.peer.updated" and event.payload["charter_version"] == CURRENT.version
    again, events = decide(accepted, AcceptCharter(CURRENT.version), Actor.PEER, NOW)
    assert again is accepted and events == [], "accepting it again changes nothing"
    with pytest.raises(rules.InvalidPeer, match="déjà accepté"):
        decide(accepted, AskCharter(), Actor.AGENCY_STAFF, NOW)
    revised, _ = decide(accepted, Update(replace(accepted, charter=None)), Actor.AGENCY_STAFF, NOW)
    assert revised.charter == accepted.charter, "only the peer accepts or not: an update keeps it"
    newer = replace(CURRENT, version="2027-06")
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(charter, "CURRENT", newer)
        assert not accepted.charter_accepted, "a new version asks again"
        asked, [request] = decide(accepted, AskCharter(), Actor.AGENCY_STAFF, NOW)
        assert request.payload["charter_version"] == "2027-06" and asked.version == accepted.version + 1
