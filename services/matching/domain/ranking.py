"""Ranking: hard rules, score, and a re-rank so the top of the list is not all the same path."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.score import DEFAULT_WEIGHTS, Scored, Weights, eligible, score

SAME_PATH_PENALTY = 0.85  # each earlier suggestion ending in the same job multiplies the score by this


def rank(
    beneficiary: BeneficiaryView,
    peers: Iterable[PeerView],
    today: str,
    limit: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
    dismissed: frozenset[str] = frozenset(),
) -> list[Scored]:
    candidates = [
        (score(beneficiary, peer, today, weights), peer) for peer in peers if eligible(beneficiary, peer, dismissed)
    ]
    candidates = [(s, p) for s, p in candidates if s.breakdown["job"] > 0 or s.breakdown["path"] > 0]
    candidates.sort(key=lambda item: -item[0].total)
    chosen: list[Scored] = []
    endings: Counter[str | None] = Counter()
    pool = candidates[: limit * 5]
    while pool and len(chosen) < limit:
        best = max(pool, key=lambda item: item[0].total * SAME_PATH_PENALTY ** endings[_ending(item[1])])
        pool.remove(best)
        chosen.append(best[0])
        endings[_ending(best[1])] += 1
    return chosen


def _ending(peer: PeerView) -> str | None:
    return peer.path[-1].rome_code if peer.path else None
