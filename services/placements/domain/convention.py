"""The convention as a type: its parties' terms, signatures, links, reason, approvals and history, and
what follows from them (who still signs, what the scheduler reads, what the legal limits count). Pure:
the life cycle that changes it is `domain/decide.py`; its storage is `adapters/conventions.py`."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from services.contracts.events.placements import LinkPurpose, PartyRole
from services.kit.domain import Conflict
from services.placements.domain import limits
from services.placements.domain.lifecycle import COUNTS_FOR_LIMITS, Action, Actor, Status
from services.placements.domain.reminders import Timeline, next_due
from services.placements.domain.terms import Assessment, Terms, signatories
from services.placements.domain.working_days import FRANCE, start_of_day, today_in_france


class Refused(Conflict):
    """Understood, but the state of things forbids it (409)."""

    code = "convention_refused"


@dataclass(frozen=True)
class Party:
    """Who acts: a staff member (by id), a party by link (by role), or the platform."""

    actors: frozenset[Actor]
    by: str  # staff id, or the party's role

    @staticmethod
    def link(role: PartyRole) -> Party:
        return Party(frozenset({Actor(role.value)}), role.value)


SYSTEM = Party(frozenset({Actor.SYSTEM}), "system")
PLATFORM = Party(frozenset({Actor.COUNSELLOR, Actor.VALIDATOR, Actor.SYSTEM}), "system")  # erasure


@dataclass(frozen=True)
class Beneficiary:
    """What placements knows of a beneficiary (from profiles' events)."""

    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    minor: bool
    active: bool
    birth_date: date | None = None  # a minor's, fetched from profiles when a convention is written


@dataclass(frozen=True)
class Link:
    """A party's secure link, as kept: only its token's hash."""

    link_id: str
    hash: str
    purpose: LinkPurpose
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class Reason:
    """Why it was declined, rejected, cancelled or contested: a code, a note, who and when."""

    code: str
    note: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class Approval:
    """A pre-validation or a validation: who, when."""

    by: str
    at: datetime


@dataclass(frozen=True)
class Entry:
    """One line of the history: a step of the table, or a link sent again (`role`)."""

    action: str
    by: str
    previous: Status | None
    status: Status
    at: datetime
    role: PartyRole | None = None

    def record(self) -> dict[str, Any]:
        """The entry as the history lists it (in the database and the API alike)."""
        record: dict[str, Any] = {
            "action": self.action,
            "by": self.by,
            "from": self.previous.value if self.previous else None,
            "to": self.status.value,
            "at": self.at,
        }
        if self.role is not None:
            record["role"] = self.role.value
        return record


@dataclass(frozen=True)
class Convention:
    id: str
    agency_id: str
    beneficiary_id: str
    counsellor_id: str
    created_by: str
    minor: bool
    status: Status
    terms: Terms
    created_at: datetime
    version: int
    signatures: Mapping[PartyRole, datetime] = field(default_factory=dict)  # in the order they came
    links: Mapping[PartyRole, Link] = field(default_factory=dict)
    used_links: tuple[str, ...] = ()  # hashes of the links that served
    assessment: Assessment | None = None
    reminders_sent: tuple[str, ...] = ()  # the keys of `domain.reminders.Reminder`
    renewal_of: str | None = None
    renewal_id: str | None = None
    reason: Reason | None = None
    pre_validated: Approval | None = None
    validated: Approval | None = None
    history: tuple[Entry, ...] = ()
    updated_at: datetime | None = None
    updated_by: str | None = None
    next_due_at: datetime | None = None  # when the scheduler next has something to do for it
    erased: bool = False  # the beneficiary was erased: their data are gone, no link works


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), FRANCE).astimezone(UTC)


def missing_signatures(convention: Convention) -> tuple[PartyRole, ...]:
    return tuple(r for r in signatories(convention.terms) if r not in convention.signatures)


def timeline_of(convention: Convention) -> Timeline:
    """What the scheduler's plan reads of a convention."""
    terms = convention.terms
    return Timeline(
        convention.status,
        terms.start_date,
        terms.end_date,
        missing_signatures(convention),
        frozenset(convention.reminders_sent),
    )


def next_due_at(convention: Convention, since: date | None = None) -> datetime | None:
    """The moment the scheduler has something to do for this convention (a reminder, a step time takes),
    from `since` if given; None when it never will. Kept with every change of the convention and indexed:
    each pass of the scheduler reads only the conventions due."""
    if convention.erased:
        return None
    day = next_due(timeline_of(convention), since)
    return start_of_day(day) if day is not None else None


def stay_of(convention: Convention) -> limits.Stay | None:
    """The convention as the legal limits count it: planned or held days, or the days lived before a
    cancellation during the immersion; None when it never took place."""
    terms, status = convention.terms, convention.status
    start, end = terms.start_date, terms.end_date
    if status is Status.CANCELLED:
        started = any(entry.action == Action.START.value for entry in convention.history)
        cancelled = convention.reason.at if convention.reason else None
        if not started or cancelled is None:
            return None
        end = min(end, max(start, today_in_france(cancelled)))
    elif status not in COUNTS_FOR_LIMITS:
        return None
    return limits.Stay(convention.id, start, end, terms.objective, convention.renewal_of)


def legal_checks(convention: Convention, others: tuple[Convention, ...]) -> limits.LegalChecks:
    """The legal limits of this convention as its validator reads them, counted over the beneficiary's
    other conventions with the same host (those that count: signed, held, or cancelled after starting)."""
    terms = convention.terms
    stays = [
        stay for other in others if other.terms.host.siret == terms.host.siret and (stay := stay_of(other)) is not None
    ]
    new = limits.Stay(convention.id, terms.start_date, terms.end_date, terms.objective, convention.renewal_of)
    return limits.legal_checks(new, stays, terms.schedule, convention.minor, 1 if convention.renewal_id else 0)


def same_host_problems(
    convention_id: str, terms: Terms, renewal_of: str | None, others: tuple[Convention, ...]
) -> limits.Problems:
    """The legal limits with one host, counted over the beneficiary's other conventions with that host."""
    stays = [
        stay for other in others if other.terms.host.siret == terms.host.siret and (stay := stay_of(other)) is not None
    ]
    new = limits.Stay(convention_id, terms.start_date, terms.end_date, terms.objective, renewal_of)
    return limits.same_host_problems(new, stays)
