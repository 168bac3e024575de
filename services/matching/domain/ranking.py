"""Ranking: hard rules, score, and a re-rank so the top of the list is not all the same path, the same
employer or the same kind of story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from services.matching.domain.fairness import DEFAULT_FAIRNESS, available
from services.matching.domain.model import BeneficiaryView, PeerLoad, PeerView
from services.matching.domain.score import DEFAULT_WEIGHTS, Scored, Weights, eligible, relevant, score, trajectory

SAME_PATH_PENALTY = 0.9  # each earlier suggestion ending in the same job multiplies the score by this
POOL_PER_PLACE = 5  # candidates kept per place in the list before the re-rank
NO_LOAD = PeerLoad()
MOVED_UP = "Placé plus haut pour varier les parcours"
TOP = 5  # the places a counsellor reads first, where stories and employers must vary
MAX_PER_EMPLOYER = 2  # peers of one employer in the top five
TRAJECTORY_FLOOR = 0.7  # a kind of story counts as in the pool when a peer telling it scores this share of the best


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


@dataclass(frozen=True)
class Candidate:
    scored: Scored
    peer: PeerView
    employers: frozenset[str]  # who employed the peer in the target's domain
    stories: frozenset[str]  # how the peer came into it: career_change | direct, chosen | imposed


def employers(beneficiary: BeneficiaryView, peer: PeerView) -> frozenset[str]:
    """The employers of the peer's steps in a target job's domain: those two peers may share."""
    domains = {t[:3] for t in beneficiary.target_jobs}
    return frozenset(s.employer_id for s in peer.path if s.employer_id and (s.rome_code or "")[:3] in domains)


def stories(beneficiary: BeneficiaryView, peer: PeerView) -> frozenset[str]:
    """The kind of story the peer tells about the target: a career change or a direct route, chosen or
    imposed (none when the peer never reached a target's domain)."""
    lived = trajectory(beneficiary.target_jobs, peer.path)
    if lived is None:
        return frozenset()
    changed, imposed = lived
    return frozenset({"career_change" if changed else "direct", "imposed" if imposed else "chosen"})


def rank(
    beneficiary: BeneficiaryView, peers: Iterable[PeerView], context: RankingContext, limit: int = 10
) -> list[Scored]:
    """Eligible and relevant peers by score, then re-ranked: a path already shown weighs less, no more than
    two of the top five share an employer, and the top five tell each kind of story the pool holds (a career
    change and a direct route, chosen and imposed) when a peer telling it scores within reach of the best."""
    scored = [
        (score(beneficiary, peer, context.today, context.weights), peer)
        for peer in peers
        if context.admits(beneficiary, peer)
    ]
    scored = [(s, p) for s, p in scored if relevant(s.breakdown["job"])]
    scored.sort(key=lambda item: (-item[0].total, item[0].peer_id))
    pool = [
        Candidate(s, p, employers(beneficiary, p), stories(beneficiary, p)) for s, p in scored[: limit * POOL_PER_PLACE]
    ]
    by_score = {c.scored.peer_id: position for position, c in enumerate(pool)}
    floor = TRAJECTORY_FLOOR * pool[0].scored.total if pool else 0.0
    told = {story for c in pool if c.scored.total >= floor for story in c.stories}
    chosen: list[Scored] = []
    endings: Counter[str | None] = Counter()
    hired: Counter[str] = Counter()  # employers in the top five so far
    while pool and len(chosen) < limit:
        best = max(
            _choices(pool, len(chosen), hired, told),
            key=lambda c: c.scored.total * SAME_PATH_PENALTY ** endings[_ending(c.peer)],
        )
        pool.remove(best)
        # ahead of a peer with a better score: the re-rank moved it up, and the counsellor reads why
        moved = by_score[best.scored.peer_id] > len(chosen)
        chosen.append(replace(best.scored, note=MOVED_UP) if moved else best.scored)
        endings[_ending(best.peer)] += 1
        if len(chosen) <= TOP:
            hired.update(best.employers)
            told -= best.stories
    return chosen


def _choices(pool: list[Candidate], place: int, hired: Counter[str], untold: set[str]) -> list[Candidate]:
    """Who may take the next place: in the top five, no third peer of one employer (unless only such peers
    are left), and, once the places left are as few as the stories not yet told, a peer telling one."""
    if place >= TOP:
        return pool
    choices = [c for c in pool if all(hired[e] < MAX_PER_EMPLOYER for e in c.employers)] or pool
    if untold and len(untold) >= TOP - place:
        return [c for c in choices if c.stories & untold] or choices
    return choices


def _ending(peer: PeerView) -> str | None:
    return peer.path[-1].rome_code if peer.path else None
