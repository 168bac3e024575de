"""Ranking quality on the evaluation set kept in cases.json: nDCG@10 per case and on average.

python -m services.matching.evaluation.evaluate"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from services.matching.domain.model import BeneficiaryView, PeerView, Step
from services.matching.domain.ranking import RankingContext, rank

CASES = Path(__file__).parent / "cases.json"


def ndcg(ranked: list[str], relevance: dict[str, int], k: int = 10) -> float:
    gains = sum((2 ** relevance.get(peer, 0) - 1) / math.log2(i + 2) for i, peer in enumerate(ranked[:k]))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gains / best if best else 1.0


def _beneficiary(d: dict[str, Any]) -> BeneficiaryView:
    return BeneficiaryView(
        **{
            **d,
            "target_jobs": tuple(d["target_jobs"]),
            "sectors": tuple(d["sectors"]),
            "meeting_modes": frozenset(d["meeting_modes"]),
            "languages": frozenset(d["languages"]),
        }
    )


def _peer(d: dict[str, Any]) -> PeerView:
    return PeerView(
        **{
            **d,
            "meeting_modes": frozenset(d["meeting_modes"]),
            "languages": frozenset(d["languages"]),
            "path": tuple(Step(**s) for s in d["path"]),
        }
    )


def evaluate(path: Path = CASES) -> tuple[float, list[tuple[str, float, list[str]]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    results = []
    for case in data["cases"]:
        context = RankingContext(data["today"])
        ranked = [s.peer_id for s in rank(_beneficiary(case["beneficiary"]), map(_peer, case["peers"]), context)]
        results.append((case["name"], ndcg(ranked, case["relevance"]), ranked))
    return sum(score for _, score, _ in results) / len(results), results


def main() -> int:
    mean, results = evaluate()
    for name, score, ranked in results:
        print(f"{score:5.3f}  {name}: {', '.join(ranked)}")
    print(f"nDCG@10 = {mean:.3f} over {len(results)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
