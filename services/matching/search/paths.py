"""A lived path reduced to what the vectorised score reads: the jobs practised, for the job ladder, and
for each professional domain the path reaches, where and how it got there."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from services.matching.domain.model import Step
from services.matching.domain.score import PATH_POINTS, RECENT_MONTHS, changed_career, lived_imposed, lived_jobs
from services.matching.search.encoding import STOOD_KINDS, Floats, Ints, month_number
from services.reference import jobs

TRANSITION_CODES = {None: 0, "chosen": 1, "imposed": 2}  # the beneficiary's transition, for numpy columns

LADDER = ("sector", "grand_domain", "domain", "sheet")  # from the weakest rung to the strongest


@cache
def job_keys(code: str) -> tuple[tuple[str, str], ...]:
    """The (rung, key) pairs a job is filed under, weakest rung first; shared, as 100,000 paths repeat them."""
    by_rung = {"sheet": [code], "domain": [code[:3]], "grand_domain": [code[0]], "sector": jobs.sectors_of(code)}
    return tuple((rung, key) for rung in LADDER for key in by_rung[rung])


def ladder_keys(codes: list[str]) -> list[tuple[str, str]]:
    """The keys of several jobs, each once, weakest rung first (so stronger rungs are written last)."""
    keys = {key for code in codes for key in job_keys(code)}
    return sorted(keys, key=lambda key: (LADDER.index(key[0]), key[1]))


@dataclass(frozen=True)
class Arrival:
    """How a path first reaches a professional domain."""

    index: int
    career_change: bool  # a job in another domain before it
    imposed: bool  # an imposed transition up to it, or back into the domain later
    start: int  # month number of that step


def arrivals(path: tuple[Step, ...]) -> dict[str, Arrival]:
    found: dict[str, Arrival] = {}
    for index, step in enumerate(path):
        if not step.rome_code or step.rome_code[:3] in found:
            continue
        domain = step.rome_code[:3]
        found[domain] = Arrival(
            index,
            changed_career(path, index, domain),
            lived_imposed(path, index, domain),
            month_number(step.start_month),
        )
    return found


def lived(path: tuple[Step, ...]) -> list[str]:
    return sorted(set(lived_jobs(path)))


def stood_bits(path: tuple[Step, ...]) -> int:
    return sum(1 << i for i, kind in enumerate(STOOD_KINDS) if any(s.kind == kind for s in path))


def moves(path: tuple[Step, ...]) -> set[tuple[str, str]]:
    """(a job family left, a domain reached after it): the moves `score.same_move` looks for."""
    found = set()
    for domain, a in arrivals(path).items():
        for step in path[: a.index]:
            if step.kind == "job" and step.rome_code:
                found.add((step.rome_code[:3], domain))
    return found


def transition_code(transition: str | None) -> int:
    return TRANSITION_CODES[transition]


def path_values(
    same_situation: Ints,
    has_arrival: Ints,
    career_change: Ints,
    imposed: Ints,
    months_ago: Ints,
    same_move: Ints,
    transition: Ints | int,
) -> Floats:
    """`score.path_similarity` over arrays (0/1 integers and month counts); `transition` is the
    beneficiary's (`transition_code`), one for all rows or one per row."""
    lived = np.where(
        transition == TRANSITION_CODES["imposed"],
        PATH_POINTS["same_transition"] * imposed,
        np.where(
            transition == TRANSITION_CODES["chosen"],
            PATH_POINTS["same_transition"] * career_change * (1 - imposed),
            PATH_POINTS["imposed"] * imposed,
        ),
    )
    value = PATH_POINTS["same_situation"] * same_situation + has_arrival * (
        PATH_POINTS["career_change"] * career_change + PATH_POINTS["same_move"] * same_move + lived
    )
    fading = np.maximum(0.3, 1 - (months_ago - RECENT_MONTHS) / 120)
    recency = np.where(months_ago <= RECENT_MONTHS, 1.0, fading)
    factor = np.where(has_arrival > 0, 0.7 + 0.3 * recency, 1.0)
    return np.asarray(np.minimum(1.0, value * factor), dtype=np.float64)
