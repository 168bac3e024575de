"""A beneficiary's top list of suggested peers: matching's other aggregate. It is ranked again as a whole
(a project changed, a peer in it changed, filled up or left: peers drop out and others take their
places), a new peer enters it without ranking everyone again, and a counsellor dismisses one of its
peers. Each peer who newly enters it is offered (`matching.suggestion.offered`, once while they stay);
each change of it is announced (`matching.suggestion.ranked`), which is how every instance follows it.

`decide` is the one pure function of its life cycle; the ranking itself is `ranking.rank`'s."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from services.contracts.envelope import Envelope
from services.contracts.events.matching import SuggestionDismissedV1, SuggestionListRankedV1, SuggestionOfferedV1
from services.matching.domain.actor import Actor, NotYours
from services.matching.domain.events import event
from services.matching.domain.score import Scored

TOP = 10  # the peers a list holds


class Status(StrEnum):
    NEW = "new"  # never stored
    EMPTY = "empty"  # nobody fits (or the beneficiary left)
    LISTING = "listing"


class Action(StrEnum):
    RANK = "rank"  # everyone ranked again: newcomers are offered, the others drop out
    ENTER = "enter"  # one peer takes its place by its score
    DISMISS = "dismiss"  # the counsellor's decision: never this peer again; the list refills


STEP_WORDS = {
    Action.RANK: "classer à nouveau les pairs suggérés",
    Action.ENTER: "faire entrer un pair dans la liste",
    Action.DISMISS: "écarter un pair suggéré",
}

ACTORS: dict[Action, frozenset[Actor]] = {
    Action.RANK: frozenset({Actor.SYSTEM}),
    Action.ENTER: frozenset({Actor.SYSTEM}),
    Action.DISMISS: frozenset({Actor.COUNSELLOR}),
}
# every state takes every action: what changes is said by the ranking the command carries
TRANSITIONS: dict[tuple[Status, Action], frozenset[Actor]] = {
    (status, action): actors for status in Status for action, actors in ACTORS.items()
}


@dataclass(frozen=True)
class Addressee:
    """The beneficiary a list is for, as its offers name them."""

    agency_id: str
    counsellor_id: str


@dataclass(frozen=True)
class SuggestionList:
    beneficiary_id: str
    agency_id: str | None = None  # none for a list whose beneficiary was never known (erased first)
    peers: tuple[str, ...] = ()  # best first
    scores: tuple[float, ...] = ()
    threshold: float = 0.0  # the score a peer must beat to enter: the last place's when the list is full
    version: int = 0  # 0: not stored yet

    @property
    def status(self) -> Status:
        return Status.NEW if self.version == 0 else Status.LISTING if self.peers else Status.EMPTY

    def entries(self) -> list[Scored]:
        """The stored places, as scores without their breakdown."""
        return [Scored(p, t, {}, ()) for p, t in zip(self.peers, self.scores, strict=False)]


@dataclass(frozen=True)
class Rank:
    ranked: tuple[Scored, ...]  # best first, at most TOP
    beneficiary: Addressee | None  # None once the beneficiary is closed or erased: the list empties
    action = Action.RANK


@dataclass(frozen=True)
class Enter:
    scored: Scored
    beneficiary: Addressee
    action = Action.ENTER


@dataclass(frozen=True)
class Dismiss:
    peer_id: str
    staff_id: str
    agency_id: str  # the beneficiary's agency, as the counsellor saw it
    ranked: tuple[Scored, ...]  # the ranking without the dismissed peer
    beneficiary: Addressee | None
    action = Action.DISMISS


Command = Rank | Enter | Dismiss


def decide(
    suggestions: SuggestionList, command: Command, actor: Actor, now: datetime
) -> tuple[SuggestionList, list[Envelope]]:
    """The list as the command leaves it and its events, all at its next version; the list itself, and
    no event, when nothing changed (nothing to write)."""
    if actor not in TRANSITIONS[(suggestions.status, command.action)]:
        raise NotYours(f"Cette étape ne vous revient pas : vous ne pouvez pas {STEP_WORDS[command.action]}.")
    version = suggestions.version + 1
    match command:
        case Rank():
            return _ranked(suggestions, command.ranked, command.beneficiary, [])
        case Enter():
            entries = [e for e in suggestions.entries() if e.peer_id != command.scored.peer_id]
            entries.append(command.scored)
            entries.sort(key=lambda e: -e.total)
            return _ranked(suggestions, tuple(entries[:TOP]), command.beneficiary, [])
        case Dismiss():
            agency_id = command.agency_id
            payload = SuggestionDismissedV1(
                beneficiary_id=suggestions.beneficiary_id,
                agency_id=agency_id,
                peer_id=command.peer_id,
                staff_id=command.staff_id,
            )
            dismissed = event(
                "matching.suggestion.dismissed", "suggestion", suggestions.beneficiary_id, version, agency_id, payload
            )
            return _ranked(suggestions, command.ranked, command.beneficiary, [dismissed])
    raise AssertionError(f"unknown command {command!r}")


def _ranked(
    current: SuggestionList, ranked: tuple[Scored, ...], beneficiary: Addressee | None, events: list[Envelope]
) -> tuple[SuggestionList, list[Envelope]]:
    after = replace(
        current,
        agency_id=beneficiary.agency_id if beneficiary else current.agency_id,
        peers=tuple(s.peer_id for s in ranked),
        scores=tuple(s.total for s in ranked),
        threshold=ranked[-1].total if len(ranked) == TOP else 0.0,
        version=current.version + 1,
    )
    changed = bool(after.peers) if current.status == Status.NEW else _state(after) != _state(current)
    if not (changed or events):
        return current, []
    before = set(current.peers)
    offered = (
        [
            _offered(after, beneficiary, position, scored)
            for position, scored in enumerate(ranked, start=1)
            if scored.peer_id not in before
        ]
        if beneficiary is not None
        else []
    )
    return after, [*events, *offered, *([_announced(after)] if changed else [])]


def _state(suggestions: SuggestionList) -> tuple[object, ...]:
    return suggestions.peers, suggestions.scores, suggestions.threshold, suggestions.agency_id


def _offered(suggestions: SuggestionList, beneficiary: Addressee, position: int, scored: Scored) -> Envelope:
    payload = SuggestionOfferedV1(
        beneficiary_id=suggestions.beneficiary_id,
        agency_id=beneficiary.agency_id,
        counsellor_id=beneficiary.counsellor_id,
        peer_id=scored.peer_id,
        rank=position,
        score=scored.total,
        reasons=list(scored.reasons),
    )
    return event(
        "matching.suggestion.offered",
        "suggestion",
        suggestions.beneficiary_id,
        suggestions.version,
        beneficiary.agency_id,
        payload,
    )


def _announced(suggestions: SuggestionList) -> Envelope:
    payload = SuggestionListRankedV1(
        beneficiary_id=suggestions.beneficiary_id,
        agency_id=suggestions.agency_id,
        peers=list(suggestions.peers),
        threshold=suggestions.threshold,
    )
    envelope = event(
        "matching.suggestion.ranked",
        "suggestion",
        suggestions.beneficiary_id,
        suggestions.version,
        suggestions.agency_id or "",
        payload,
    )
    return envelope if suggestions.agency_id else envelope.model_copy(update={"tenant_id": None})
