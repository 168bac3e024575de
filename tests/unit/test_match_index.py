"""The in-memory indexes answer exactly what the pure score answers over every peer or beneficiary."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.matching.domain.model import BeneficiaryView, PeerLoad, PeerView
from services.matching.domain.ranking import RankingContext, rank
from services.matching.domain.score import Weights, eligible, relevant, score
from services.matching.evaluation.synthetic import Synthetic
from services.matching.search.beneficiary_index import BeneficiaryIndex
from services.matching.search.peer_index import PeerIndex

TODAY = "2026-11"


@pytest.fixture(scope="module")
def world() -> tuple[list[PeerView], list[BeneficiaryView]]:
    synthetic = Synthetic(seed=3, agencies=4)
    return [synthetic.peer(i) for i in range(3000)], [synthetic.beneficiary(i) for i in range(400)]


def ids(scored: list) -> list[str]:  # type: ignore[type-arg]
    return [s.peer_id for s in scored]


def test_the_peer_index_ranks_like_the_pure_score_over_every_peer(
    world: tuple[list[PeerView], list[BeneficiaryView]],
) -> None:
    peers, beneficiaries = world
    index = PeerIndex()
    for peer in peers:
        index.put(peer)
    busy = {p.peer_id: PeerLoad(booked=p.capacity_per_month) for p in peers[::7]}
    crowded = {p.peer_id: PeerLoad(listed_in=40) for p in peers[3::11]}
    for peer_id, load in {**busy, **crowded}.items():
        index.set_load(peer_id, load)
    checked = 0
    for beneficiary in beneficiaries[:60]:
        expected_all = rank(beneficiary, peers, RankingContext(TODAY))
        context = RankingContext(
            TODAY,
            weights=Weights(job=0.5, path=0.2, place=0.1, fit=0.1, reliability=0.1),
            dismissed=frozenset(ids(expected_all[:2])),
            listed=frozenset(ids(expected_all[2:4])),
            loads={**busy, **crowded},
        )
        expected = rank(beneficiary, peers, context)
        assert ids(rank(beneficiary, index.pool(beneficiary, context), context)) == ids(expected)
        checked += bool(expected)
    assert checked > 30, "the synthetic world gives most beneficiaries suggestions"


def test_a_removed_or_paused_peer_leaves_the_index(world: tuple[list[PeerView], list[BeneficiaryView]]) -> None:
    peers, beneficiaries = world
    index = PeerIndex()
    for peer in peers:
        index.put(peer)
    beneficiary = next(b for b in beneficiaries if rank(b, peers, RankingContext(TODAY)))
    first, second = ids(rank(beneficiary, index.pool(beneficiary, RankingContext(TODAY)), RankingContext(TODAY)))[:2]
    index.remove(first)
    index.put(replace(index.views[second], paused=True))
    after = ids(rank(beneficiary, index.pool(beneficiary, RankingContext(TODAY)), RankingContext(TODAY)))
    assert first not in after and second not in after
    assert len(index) == len(peers) - 1


def test_reverse_matching_finds_exactly_the_lists_a_peer_now_enters(
    world: tuple[list[PeerView], list[BeneficiaryView]],
) -> None:
    peers, beneficiaries = world
    weights = {"agency-1": Weights(job=0.3, path=0.3, place=0.2, fit=0.1, reliability=0.1)}
    index = BeneficiaryIndex(weights)
    thresholds = {b.beneficiary_id: (0.55 if i % 2 else 0.0) for i, b in enumerate(beneficiaries)}
    for beneficiary in beneficiaries:
        index.put(beneficiary)
        index.set_threshold(beneficiary.beneficiary_id, thresholds[beneficiary.beneficiary_id])
    found = 0
    for peer in peers[:150]:
        answer = dict(index.reverse(peer, TODAY))
        expected = {}
        for b in beneficiaries:
            s = score(b, peer, TODAY, weights.get(b.agency_id, Weights()))
            if eligible(b, peer) and relevant(s.breakdown["job"]) and s.total > thresholds[b.beneficiary_id]:
                expected[b.beneficiary_id] = s.total
        assert set(expected) <= set(answer)
        assert all(answer[b] == pytest.approx(total, abs=1e-4) for b, total in expected.items())
        assert all(total <= thresholds[b] + 1e-4 for b, total in answer.items() if b not in expected)
        found += len(expected)
    assert found > 100


def test_ties_are_broken_as_the_pure_ranking_breaks_them() -> None:
    synthetic = Synthetic(seed=5, agencies=1)
    twin = synthetic.peer(0)
    peers = [replace(twin, peer_id=f"p{i:03d}") for i in range(80)]
    index = PeerIndex()
    for peer in peers:
        index.put(peer)
    beneficiary = replace(
        synthetic.beneficiary(0),
        agency_id=twin.agency_id,
        target_jobs=(twin.path[-1].rome_code or "M1805",),
        meeting_modes=twin.meeting_modes,
        matching_consent=True,
        minor=False,
    )
    context = RankingContext(TODAY)
    expected = rank(beneficiary, peers, context)
    assert expected, "the twins are relevant"
    assert ids(rank(beneficiary, index.pool(beneficiary, context), context)) == ids(expected)
