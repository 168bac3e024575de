"""The evaluation set guards the orderings counsellors expect against regressions of the score."""

from __future__ import annotations

from services.matching.evaluation.evaluate import evaluate, ndcg


def test_ndcg_rewards_the_expected_order() -> None:
    relevance = {"a": 3, "b": 2}
    assert ndcg(["a", "b", "c"], relevance) == 1.0
    assert ndcg(["b", "a"], relevance) < 1.0
    assert ndcg(["c", "d"], relevance) == 0.0


def test_every_case_of_the_evaluation_set_keeps_its_expected_order() -> None:
    mean, results = evaluate()
    worst = min(results, key=lambda r: r[1])
    assert worst[1] >= 0.95, f"{worst[0]}: ranked {worst[2]}"
    assert mean >= 0.98
