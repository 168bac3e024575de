"""Ranking quality on the evaluation set kept in cases.json: nDCG@10 per case and on average, and the
expectations a counsellor wrote for each case ("peer X in the top 3", "peer Y absent", "no more than 2
of employer Z in the top 5", "peer X before peer Y"), with those the ranking fails listed.

python -m services.matching.evaluation.evaluate"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.matching.domain.model import BeneficiaryView, PeerView, Step
from services.matching.domain.ranking import RankingContext, rank
from services.matching.domain.score import Scored

CASES = Path(__file__).parent / "cases.json"
STEP_DEFAULTS: dict[str, Any] = {"end_month": None, "transition": "chosen", "employer_id": None}


def ndcg(ranked: list[str], relevance: dict[str, int], k: int = 10) -> float:
    gains = sum((2 ** relevance.get(peer, 0) - 1) / math.log2(i + 2) for i, peer in enumerate(ranked[:k]))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gains / best if best else 1.0


def _placed(d: dict[str, Any], towns: dict[str, list[float]]) -> dict[str, Any]:
    """A case may name a town (from the set's `towns`) instead of coordinates, which win when given."""
    town = d.pop("town", None)
    if town is None or "latitude" in d:
        return d
    latitude, longitude = towns[town]
    return {**d, "latitude": latitude, "longitude": longitude}


def _beneficiary(d: dict[str, Any], towns: dict[str, list[float]]) -> BeneficiaryView:
    d = _placed(dict(d), towns)
    return BeneficiaryView(
        **{
            **d,
            "target_jobs": tuple(d["target_jobs"]),
            "sectors": tuple(d["sectors"]),
            "meeting_modes": frozenset(d["meeting_modes"]),
            "languages": frozenset(d["languages"]),
            "previous_jobs": tuple(d.get("previous_jobs", ())),
        }
    )


def _peer(d: dict[str, Any], towns: dict[str, list[float]]) -> PeerView:
    d = _placed(dict(d), towns)
    return PeerView(
        **{
            **d,
            "meeting_modes": frozenset(d["meeting_modes"]),
            "languages": frozenset(d["languages"]),
            "path": tuple(Step(**{**STEP_DEFAULTS, **s}) for s in d["path"]),
        }
    )


def failures(expectations: list[dict[str, Any]], ranked: list[Scored], peers: dict[str, PeerView]) -> list[str]:
    """The expectations the ranking does not meet, each said as the counsellor wrote it."""
    order = [s.peer_id for s in ranked]
    failed = []
    for e in expectations:
        if "absent" in e:
            if e["peer"] in order:
                failed.append(f"{e['peer']} absent, but at {order.index(e['peer']) + 1}")
        elif "in_top" in e and "peer" in e:
            if e["peer"] not in order[: e["in_top"]]:
                where = order.index(e["peer"]) + 1 if e["peer"] in order else "absent"
                failed.append(f"{e['peer']} in the top {e['in_top']}, but at {where}")
        elif "before" in e:
            first, second = e["peer"], e["before"]
            if first not in order or (second in order and order.index(second) < order.index(first)):
                failed.append(f"{first} before {second}")
        elif "employer" in e:
            top = [peers[p] for p in order[: e["in_top"]]]
            count = sum(any(s.employer_id == e["employer"] for s in p.path) for p in top)
            if count > e["at_most"]:
                failed.append(f"at most {e['at_most']} of employer {e['employer']} in the top {e['in_top']}: {count}")
        elif "note" in e:
            noted = next((s.note for s in ranked if s.peer_id == e["peer"]), "")
            if bool(noted) != e["note"]:
                failed.append(f"{e['peer']} {'with' if e['note'] else 'without'} the note on varied paths")
        elif "reason" in e:
            reasons = next((s.reasons for s in ranked if s.peer_id == e["peer"]), ())
            if not any(e["reason"] in r for r in reasons):
                failed.append(f"{e['peer']} with the reason « {e['reason']} »")
    return failed


@dataclass(frozen=True)
class Result:
    name: str
    ndcg: float
    ranked: list[str]
    failed: list[str]


def evaluate(path: Path = CASES) -> tuple[float, list[Result]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    towns = data.get("towns", {})
    defaults = data.get("defaults", {"beneficiary": {}, "peer": {}})
    results = []
    for case in data["cases"]:
        context = RankingContext(data["today"])
        beneficiary = _beneficiary({**defaults["beneficiary"], **case["beneficiary"]}, towns)
        peers = {p["peer_id"]: _peer({**defaults["peer"], **p}, towns) for p in case["peers"]}
        ranked = rank(beneficiary, peers.values(), context)
        order = [s.peer_id for s in ranked]
        results.append(
            Result(case["name"], ndcg(order, case["relevance"]), order, failures(case.get("expect", []), ranked, peers))
        )
    return sum(r.ndcg for r in results) / len(results), results


def main() -> int:
    mean, results = evaluate()
    for r in results:
        print(f"{r.ndcg:5.3f}  {r.name}: {', '.join(r.ranked)}")
    failed = [(r.name, f) for r in results for f in r.failed]
    expectations = sum(len(c.get("expect", [])) for c in json.loads(CASES.read_text(encoding="utf-8"))["cases"])
    print(f"nDCG@10 = {mean:.3f} over {len(results)} cases")
    print(f"expectations failed: {len(failed)} of {expectations}")
    for name, failure in failed:
        print(f"  - {name}: {failure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
