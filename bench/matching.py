"""Benchmark: ten suggestions among 100,000 peers, and a new peer matched against 200,000 beneficiaries,
with the full score, on the in-memory indexes the matching service uses. Writes bench/results/matching.json.

make bench-matching"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench import report
from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.ranking import RankingContext, rank
from services.matching.domain.score import Scored
from services.matching.evaluation.synthetic import Synthetic
from services.matching.search.beneficiary_index import BeneficiaryIndex
from services.matching.search.peer_index import PeerIndex

RESULTS = Path(__file__).parent / "results" / "matching.json"
PEERS = int(os.environ.get("BENCH_MATCHING_PEERS", "100000"))
BENEFICIARIES = int(os.environ.get("BENCH_MATCHING_BENEFICIARIES", "200000"))
QUERIES = 500
NAIVE_QUERIES = 20
TODAY = "2026-11"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(calls: list[Callable[[], object]]) -> list[float]:
    spent = []
    for call in calls:
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return sorted(spent)


def percentile(values: list[float], share: float) -> float:
    return round(values[min(len(values) - 1, int(len(values) * share))], 2)


def main() -> None:
    synthetic = Synthetic(seed=11)
    context = RankingContext(TODAY)
    gc.collect()
    before = rss_mb()
    peers = PeerIndex()
    started = time.perf_counter()
    for i in range(PEERS):
        peers.put(synthetic.peer(i))
    peers_load_s = time.perf_counter() - started
    gc.collect()
    rss_peers = rss_mb() - before
    gc.freeze()  # the long-lived index is left out of the collector's scans, as in the service

    queries = [synthetic.beneficiary(i) for i in range(QUERIES)]
    for beneficiary in queries[:20]:  # warm the reference caches
        rank(beneficiary, peers.pool(beneficiary, context), context)
    everyone = list(peers.views.values())

    def indexed(b: BeneficiaryView) -> list[Scored]:
        return rank(b, peers.pool(b, context), context)

    def naive_scan(b: BeneficiaryView) -> list[Scored]:
        return rank(b, everyone, context)

    top10 = timed([partial(indexed, b) for b in queries])
    naive = timed([partial(naive_scan, b) for b in queries[:NAIVE_QUERIES]])
    same = sum([s.peer_id for s in indexed(b)] == [s.peer_id for s in naive_scan(b)] for b in queries[:NAIVE_QUERIES])

    # 200,000 beneficiaries; each list's last score is taken from the full top lists of the queries above
    beneficiaries = BeneficiaryIndex()
    sample_thresholds = []
    for b in queries:
        ranked = rank(b, peers.pool(b, context), context)
        if len(ranked) == 10:
            sample_thresholds.append(ranked[-1].total)
    started = time.perf_counter()
    for i in range(BENEFICIARIES):
        beneficiary = synthetic.beneficiary(PEERS + i)
        beneficiaries.put(beneficiary)
        beneficiaries.set_threshold(beneficiary.beneficiary_id, sample_thresholds[i % len(sample_thresholds)])
    beneficiaries_load_s = time.perf_counter() - started
    newcomers = [synthetic.peer(PEERS + BENEFICIARIES + i) for i in range(QUERIES)]
    entered: list[int] = []

    def reverse_match(peer: PeerView) -> None:
        entered.append(len(beneficiaries.reverse(peer, TODAY)))

    reverse = timed([partial(reverse_match, p) for p in newcomers])

    result = {
        "peers": PEERS,
        "beneficiaries": BENEFICIARIES,
        "top10_ms_p50": percentile(top10, 0.5),
        "top10_ms_p99": percentile(top10, 0.99),
        "naive_top10_ms_p50": percentile(naive, 0.5),
        "index_equals_naive": f"{same}/{NAIVE_QUERIES} queries",
        "reverse_ms_p50": percentile(reverse, 0.5),
        "reverse_ms_p99": percentile(reverse, 0.99),
        "reverse_lists_entered_mean": round(statistics.mean(entered), 1),
        "rss_mb_100k_peers": round(rss_peers * 100_000 / PEERS, 1),
        "peers_load_s": round(peers_load_s, 2),
        "beneficiaries_load_s": round(beneficiaries_load_s, 2),
        "queries": QUERIES,
    }
    report.record(RESULTS, result)


if __name__ == "__main__":
    main()
