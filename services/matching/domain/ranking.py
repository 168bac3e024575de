"""Ranking: hard rules, score, and a re-rank so the top of the list is not all the same path."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from services.matching.domain.fairness import DEFAULT_FAIRNESS, available
from services.matching.domain.model import BeneficiaryView, PeerLoad, PeerView
from services.matching.domain.score import DEFAULT_WEIGHTS, Scored, Weights, eligible, relevant, score

SAME_PATH_PENALTY = 0.85  # each earlier suggestion ending in the same job multiplies the score by this
POOL_PER_PLACE = 5  # candidates kept per place in the list before the re-rank
NO_LOAD = PeerLoad()
MOVED_UP = "Placé plus haut pour varier les parcours"


@dataclass(frozen=True)
class RankingContext:
    """What decides a beneficiary's list besides the two views."""

    today: str  # YYYY-MM
    weights: Weights = DEFAULT_WEIGHTS
    dismissed: frozenset[str] = frozenset()
    listed: frozenset[str] = frozenset()  # the peers this beneficiary's top list shows now
    loads: Mapping[str, PeerLoad] = field(default_factory=dict)
    fairness: float = DEFAULT_FAIRNESS

    def admits(self, beneficiary: BeneficiaryView, peer: PeerView) -> bool:
        return (
            peer.peer_id not in self.dismissed
            and eligible(beneficiary, peer)
            and available(peer, self.loads.get(peer.peer_id, NO_LOAD), peer.peer_id in self.listed, self.fairness)
        )


def rank(
    beneficiary: BeneficiaryView, peers: Iterable[PeerView], context: RankingContext, limit: int = 10
) -> list[Scored]:
    candidates = [
        (score(beneficiary, peer, context.today, context.weights), peer)
        for peer in peers
        if context.admits(beneficiary, peer)
    ]
    candidates = [(s, p) for s, p in candidates if relevant(s.breakdown["job"])]
    candidates.sort(key=lambda item: (-item[0].total, item[0].peer_id))
    chosen: list[Scored] = []
    endings: Counter[str | None] = Counter()
    pool = candidates[: limit * POOL_PER_PLACE]
    by_score = {scored.peer_id: position for position, (scored, _) in enumerate(pool)}
    while pool and len(chosen) < limit:
        best = max(pool, key=lambda item: item[0].total * SAME_PATH_PENALTY ** endings[_ending(item[1])])
        pool.remove(best)
        # ahead of a peer with a better score: the re-rank moved it up, and the counsellor reads why
        moved = by_score[best[0].peer_id] > len(chosen)
        chosen.append(replace(best[0], note=MOVED_UP) if moved else best[0])
        endings[_ending(best[1])] += 1
    return chosen


def _ending(peer: PeerView) -> str | None:
    return peer.path[-1].rome_code if peer.path else None
