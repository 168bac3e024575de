"""A peer's record: their bookings (introductions holding a slot, by month) and reliability, counted from
their introductions; and the numbered places (slots, pending requests) the proposal rules hand out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from services.matching.domain.model import Reliability


@dataclass(frozen=True)
class Facts:
    """What a peer's record keeps of one of their introductions."""

    month: str  # when it was proposed, YYYY-MM
    holds_slot: bool  # it counts against that month's capacity
    answer_hours: float | None = None  # how long the peer took to answer; None until they did
    met: bool = False
    usefulness: int | None = None  # the beneficiary's rating, 1 to 5
    no_show: bool = False  # the beneficiary's side reported the peer did not come
    asked: bool = True  # the request reached the peer (one the beneficiary never agreed to did not)


@dataclass(frozen=True)
class PeerRecord:
    """A peer's bookings and reliability, both counted from their introductions: the same answer whichever
    instance counts, however often."""

    booked: dict[str, int]
    reliability: Reliability


def answered(stats: Reliability, hours: float) -> Reliability:
    return replace(stats, answered=stats.answered + 1, answer_hours=stats.answer_hours + hours)


def proposed(stats: Reliability) -> Reliability:
    return replace(stats, proposed=stats.proposed + 1)


def met(stats: Reliability) -> Reliability:
    return replace(stats, meetings=stats.meetings + 1)


def rated(stats: Reliability, usefulness: int) -> Reliability:
    return replace(stats, useful_sum=stats.useful_sum + usefulness, ratings=stats.ratings + 1)


def record_of(history: Iterable[Facts]) -> PeerRecord:
    stats, booked = Reliability(), Counter[str]()
    for facts in history:
        if facts.asked:
            stats = proposed(stats)
        if facts.answer_hours is not None:
            stats = answered(stats, facts.answer_hours)
        if facts.met:
            stats = met(stats)
        if facts.usefulness is not None:
            stats = rated(stats, facts.usefulness)
        if facts.no_show:
            stats = replace(stats, no_shows=stats.no_shows + 1)
        if facts.holds_slot:
            booked[facts.month] += 1
    return PeerRecord(dict(booked), stats)


def first_free(taken: Iterable[int], places: int) -> int | None:
    """The lowest of the places 1..`places` not taken (a capacity slot, a pending request), or None."""
    used = set(taken)
    return next((n for n in range(1, places + 1) if n not in used), None)
