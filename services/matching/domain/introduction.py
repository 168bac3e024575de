"""An introduction: the counsellor puts a beneficiary in touch with a peer for a purpose; the peer answers
by a secure link or the request expires; the meeting is recorded; both sides give feedback.

The life cycle is the TRANSITIONS table; everything here is pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from services.kit.domain import InvalidInput
from services.matching.domain.model import Reliability


class Purpose(StrEnum):
    JOB_INQUIRY = "job_inquiry"  # enquête métier
    TESTIMONY = "testimony"
    COMPANY_VISIT = "company_visit"
    MENTORING = "mentoring"  # parrainage, over several months


PURPOSE_LABELS = {
    Purpose.JOB_INQUIRY: "Enquête métier",
    Purpose.TESTIMONY: "Témoignage",
    Purpose.COMPANY_VISIT: "Visite d'entreprise",
    Purpose.MENTORING: "Parrainage",
}


class Status(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    MET = "met"


class Action(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    CANCEL = "cancel"
    RECORD_MEETING = "record_meeting"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.PROPOSED, Action.ACCEPT): Status.ACCEPTED,
    (Status.PROPOSED, Action.DECLINE): Status.DECLINED,
    (Status.PROPOSED, Action.EXPIRE): Status.EXPIRED,
    (Status.PROPOSED, Action.CANCEL): Status.CANCELLED,
    (Status.ACCEPTED, Action.CANCEL): Status.CANCELLED,
    (Status.ACCEPTED, Action.RECORD_MEETING): Status.MET,
}
HOLDS_SLOT = frozenset({Status.PROPOSED, Status.ACCEPTED, Status.MET})  # counts against the month's capacity
FEEDBACK_OPEN = frozenset({Status.ACCEPTED, Status.MET})


class DeclineReason(StrEnum):
    NO_TIME = "no_time"
    NOT_MY_FIELD = "not_my_field"
    TOO_FAR = "too_far"
    NOT_NOW = "not_now"
    OTHER = "other"


class Side(StrEnum):
    PEER = "peer"
    BENEFICIARY = "beneficiary"


JOB_INQUIRY_GUIDE = (
    "Comment êtes-vous arrivé(e) à ce métier ? Quelle formation avez-vous suivie ?",
    "À quoi ressemble une journée ou une semaine type ?",
    "Qu'est-ce qui vous plaît le plus, et le moins, dans ce métier ?",
    "Quelles qualités et compétences sont indispensables ?",
    "Quelles sont les conditions de travail (horaires, déplacements, salaire de départ) ?",
    "Comment se passe le recrutement ? Qui embauche dans la région ?",
    "Quel conseil donneriez-vous à quelqu'un qui veut se lancer ?",
)


class RefusedTransition(Exception):
    """The introduction is not in a state where this can happen (409)."""


def next_status(status: Status, action: Action) -> Status:
    after = TRANSITIONS.get((status, action))
    if after is None:
        raise RefusedTransition(f"an introduction that is {status.value} cannot be {PAST[action]}")
    return after


PAST = {
    Action.ACCEPT: "accepted",
    Action.DECLINE: "declined",
    Action.EXPIRE: "expired",
    Action.CANCEL: "cancelled",
    Action.RECORD_MEETING: "recorded as met",
}


@dataclass(frozen=True)
class Deadlines:
    expires_at: datetime
    remind_at: datetime


def deadlines(proposed_at: datetime, expiry_days: int, reminder_days_before: int) -> Deadlines:
    expires_at = proposed_at + timedelta(days=expiry_days)
    return Deadlines(expires_at, expires_at - timedelta(days=min(reminder_days_before, expiry_days)))


def check_proposal(
    purpose: Purpose,
    peer_modes: frozenset[str],
    mentoring_months: int | None,
    questions: list[str],
) -> None:
    problems: list[tuple[str, str]] = []
    if purpose == Purpose.COMPANY_VISIT and "company_visit" not in peer_modes:
        problems.append(("purpose", "this peer does not offer company visits"))
    if purpose == Purpose.MENTORING and not (mentoring_months and 2 <= mentoring_months <= 12):
        problems.append(("mentoring_months", "mentoring lasts 2 to 12 months: say how many"))
    if purpose != Purpose.MENTORING and mentoring_months is not None:
        problems.append(("mentoring_months", "only a mentoring has a duration"))
    if questions and purpose != Purpose.JOB_INQUIRY:
        problems.append(("questions", "questions are prepared for a job inquiry only"))
    if problems:
        raise InvalidInput(problems)


def check_feedback(took_place: bool, usefulness: int | None) -> None:
    if took_place and usefulness is None:
        raise InvalidInput([("usefulness", "say how useful the meeting was, from 1 to 5")])
    if not took_place and usefulness is not None:
        raise InvalidInput([("usefulness", "a meeting that did not take place is not rated")])


def answered(stats: Reliability, hours: float) -> Reliability:
    return replace(stats, answered=stats.answered + 1, answer_hours=stats.answer_hours + hours)


def proposed(stats: Reliability) -> Reliability:
    return replace(stats, proposed=stats.proposed + 1)


def met(stats: Reliability) -> Reliability:
    return replace(stats, meetings=stats.meetings + 1)


def rated(stats: Reliability, usefulness: int) -> Reliability:
    return replace(stats, useful_sum=stats.useful_sum + usefulness, ratings=stats.ratings + 1)


@dataclass(frozen=True)
class Facts:
    """What a peer's record keeps of one of their introductions."""

    month: str  # when it was proposed, YYYY-MM
    holds_slot: bool  # it counts against that month's capacity
    answer_hours: float | None = None  # how long the peer took to answer; None until they did
    met: bool = False
    usefulness: int | None = None  # the beneficiary's rating, 1 to 5


@dataclass(frozen=True)
class PeerRecord:
    """A peer's bookings (introductions holding a slot, by month) and reliability, both counted from their
    introductions: the same answer whichever instance counts, however often."""

    booked: dict[str, int]
    reliability: Reliability


def record_of(history: Iterable[Facts]) -> PeerRecord:
    stats, booked = Reliability(), Counter[str]()
    for facts in history:
        stats = proposed(stats)
        if facts.answer_hours is not None:
            stats = answered(stats, facts.answer_hours)
        if facts.met:
            stats = met(stats)
        if facts.usefulness is not None:
            stats = rated(stats, facts.usefulness)
        if facts.holds_slot:
            booked[facts.month] += 1
    return PeerRecord(dict(booked), stats)


def first_free(taken: Iterable[int], places: int) -> int | None:
    """The lowest of the places 1..`places` not taken (a capacity slot, a pending request), or None."""
    used = set(taken)
    return next((n for n in range(1, places + 1) if n not in used), None)
