"""A peer's life cycle in one pure function: the TRANSITIONS table says whether a step may be taken from a
stage and by whom, the command says what changes, and `decide` returns the changed peer with its events.

    published <-> paused          (pause / resume; either again changes nothing)
    published | paused -> withdrawn   (by the agency, or when their consent runs out)
    published | paused | withdrawn -> erased   (personal data rights)
    published | paused: updated, by the agency or by the peer from their link
    published | paused: the charter accepted by the peer from their link, or asked again by the agency

A published peer is suggested by matching only once they accepted the charter in force (`Peer.charter_accepted`):
publishing asks them, and a new version of the charter asks again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import PeerPausedV1, PeerWithdrawnV1, PersonKind, WithdrawalReason
from services.profiles.domain.access import Actor
from services.profiles.domain.erasure import erased_event
from services.profiles.domain.events import event
from services.profiles.domain.lifecycle import Rule, rule_for
from services.profiles.domain.peer import (
    CharterAcceptance,
    InvalidPeer,
    Peer,
    Stage,
    Status,
    card,
    card_changed,
    charter_requested,
    checked,
    contact_changed,
)
from services.reference import charter


class Action(StrEnum):
    UPDATE = "update"
    PAUSE = "pause"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    ERASE = "erase"
    ACCEPT_CHARTER = "accept_charter"
    ASK_CHARTER = "ask_charter"


@dataclass(frozen=True)
class Update:
    """The peer as revised: what the agency's form (or the peer's own link) sends."""

    revised: Peer
    action: ClassVar[Action] = Action.UPDATE


@dataclass(frozen=True)
class Pause:
    action: ClassVar[Action] = Action.PAUSE


@dataclass(frozen=True)
class Resume:
    action: ClassVar[Action] = Action.RESUME


@dataclass(frozen=True)
class Withdraw:
    reason: WithdrawalReason
    action: ClassVar[Action] = Action.WITHDRAW


@dataclass(frozen=True)
class Erase:
    action: ClassVar[Action] = Action.ERASE


@dataclass(frozen=True)
class AcceptCharter:
    """The peer accepts the charter they read (its version), from their own link."""

    version: str
    action: ClassVar[Action] = Action.ACCEPT_CHARTER


@dataclass(frozen=True)
class AskCharter:
    """The agency sends the peer their link again, to accept the charter in force."""

    action: ClassVar[Action] = Action.ASK_CHARTER


Command = Update | Pause | Resume | Withdraw | Erase | AcceptCharter | AskCharter

_CARING = frozenset({Actor.AGENCY_STAFF, Actor.PEER})  # the recruiting agency, or the peer themselves
_AGENCY = frozenset({Actor.AGENCY_STAFF})
_PEER = frozenset({Actor.PEER})  # what only the peer can say: that they accept the charter
_AGENCY_OR_EXPIRY = frozenset({Actor.AGENCY_STAFF, Actor.PLATFORM})
# the platform pauses a peer while a concern about one of their meetings waits for review, and resumes them
_CARING_OR_REVIEW = frozenset({Actor.AGENCY_STAFF, Actor.PEER, Actor.PLATFORM})

TRANSITIONS: dict[tuple[Stage, Action], Rule[Stage]] = {
    (Stage.PUBLISHED, Action.UPDATE): Rule(Stage.PUBLISHED, _CARING),
    (Stage.PUBLISHED, Action.PAUSE): Rule(Stage.PAUSED, _CARING_OR_REVIEW),
    (Stage.PUBLISHED, Action.RESUME): Rule(Stage.PUBLISHED, _CARING_OR_REVIEW),
    (Stage.PUBLISHED, Action.WITHDRAW): Rule(Stage.WITHDRAWN, _AGENCY_OR_EXPIRY),
    (Stage.PUBLISHED, Action.ERASE): Rule(Stage.ERASED, _AGENCY),
    (Stage.PAUSED, Action.UPDATE): Rule(Stage.PAUSED, _CARING),
    (Stage.PAUSED, Action.PAUSE): Rule(Stage.PAUSED, _CARING_OR_REVIEW),
    (Stage.PAUSED, Action.RESUME): Rule(Stage.PUBLISHED, _CARING_OR_REVIEW),
    (Stage.PAUSED, Action.WITHDRAW): Rule(Stage.WITHDRAWN, _AGENCY_OR_EXPIRY),
    (Stage.PAUSED, Action.ERASE): Rule(Stage.ERASED, _AGENCY),
    (Stage.WITHDRAWN, Action.ERASE): Rule(Stage.ERASED, _AGENCY),
    **{(stage, Action.ACCEPT_CHARTER): Rule(stage, _PEER) for stage in (Stage.PUBLISHED, Stage.PAUSED)},
    **{(stage, Action.ASK_CHARTER): Rule(stage, _AGENCY) for stage in (Stage.PUBLISHED, Stage.PAUSED)},
}

# what the agency reads when a step is refused (the field is "status")
REFUSALS: dict[tuple[Stage, Action], str] = {
    (Stage.WITHDRAWN, Action.UPDATE): "Ce pair s'est retiré : son profil ne change plus.",
    (Stage.WITHDRAWN, Action.PAUSE): "Ce pair s'est retiré : il ne peut plus être mis en pause.",
    (Stage.WITHDRAWN, Action.RESUME): "Ce pair s'est retiré : il ne peut plus reprendre.",
    (Stage.WITHDRAWN, Action.WITHDRAW): "Ce pair s'est déjà retiré.",
    (Stage.WITHDRAWN, Action.ACCEPT_CHARTER): "Vous vous êtes retiré : il n'y a plus de charte à accepter.",
    (Stage.WITHDRAWN, Action.ASK_CHARTER): "Ce pair s'est retiré : la charte ne lui est plus demandée.",
    **{(Stage.ERASED, action): "Ce pair a été effacé." for action in Action},
}


def decide(peer: Peer, command: Command, actor: Actor, now: datetime) -> tuple[Peer, list[Envelope]]:
    """The peer after the command, with the events to publish; the same peer and no event when the command
    changes nothing (pausing a paused peer). InvalidPeer when the step is refused from the peer's stage."""
    rule = rule_for(TRANSITIONS, peer.stage, command.action, actor)
    if rule is None:
        raise InvalidPeer([("status", REFUSALS[(peer.stage, command.action)])])
    match command:
        case Update(revised):
            return _update(peer, revised, now)
        case Pause() | Resume():
            return _pause(peer, rule.to is Stage.PAUSED)
        case Withdraw(reason):
            return _withdraw(peer, reason)
        case Erase():
            return _erase(peer, now)
        case AcceptCharter(version):
            return _accept_charter(peer, version, now)
        case AskCharter():
            return _ask_charter(peer, now)


def _update(current: Peer, revised: Peer, now: datetime) -> tuple[Peer, list[Envelope]]:
    """A new version whatever changed; matching hears of a changed card, notifications of a changed contact."""
    new = checked(
        replace(
            revised,
            peer_id=current.peer_id,
            agency_id=current.agency_id,
            version=current.version + 1,
            status=current.status,
            consent_expires_at=current.consent_expires_at,
            former_beneficiary_id=current.former_beneficiary_id,
            paused=current.paused,  # pausing is a step of its own
            charter=current.charter,  # only the peer accepts the charter
        ),
        now.date(),
    )
    events = [card_changed(new)] if card(new) != card(current) else []
    if new.identity != current.identity:
        events.append(contact_changed(new))
    return new, events


def _pause(current: Peer, paused: bool) -> tuple[Peer, list[Envelope]]:
    if current.paused == paused:
        return current, []
    new = replace(current, paused=paused, version=current.version + 1)
    payload = PeerPausedV1(peer_id=new.peer_id, agency_id=new.agency_id, paused=paused)
    return new, [event("profiles.peer.paused", "peer", new.peer_id, new.version, new.agency_id, payload)]


def _withdraw(current: Peer, reason: WithdrawalReason) -> tuple[Peer, list[Envelope]]:
    new = replace(current, status=Status.WITHDRAWN, version=current.version + 1)
    payload = PeerWithdrawnV1(peer_id=new.peer_id, agency_id=new.agency_id, reason=reason)
    return new, [event("profiles.peer.withdrawn", "peer", new.peer_id, new.version, new.agency_id, payload)]


def _erase(current: Peer, now: datetime) -> tuple[Peer, list[Envelope]]:
    """Stored as a tombstone (see `erasure`); every service hears of it on the person's stream."""
    new = replace(current, status=Status.ERASED, version=current.version + 1, erased_at=now)
    return new, [erased_event(new.peer_id, PersonKind.PEER, new.agency_id, new.version)]


def _accept_charter(current: Peer, version: str, now: datetime) -> tuple[Peer, list[Envelope]]:
    """Recorded with its version and date; matching hears of it on the card. Accepting it again changes
    nothing; a version no longer in force is refused (the page shows the new text)."""
    if version != charter.CURRENT.version:
        raise InvalidPeer(
            [("version", "Cette version de la charte n'est plus en vigueur : relisez la nouvelle version.")]
        )
    if current.charter_accepted:
        return current, []
    new = replace(current, charter=CharterAcceptance(version, now), version=current.version + 1)
    return new, [card_changed(new)]


def _ask_charter(current: Peer, now: datetime) -> tuple[Peer, list[Envelope]]:
    if current.charter_accepted:
        raise InvalidPeer([("charter", "Ce pair a déjà accepté la charte en vigueur.")])
    new = replace(current, version=current.version + 1)
    return new, [charter_requested(new, now)]
