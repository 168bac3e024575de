"""The beneficiary's own path in the score, the travel radius, and the re-rank's variety (employers and
kinds of story), on plain values."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from services.matching.domain import score as rules
from services.matching.domain.model import Step
from services.matching.domain.ranking import MOVED_UP, RankingContext, rank, stories
from services.matching.evaluation import evaluate
from services.matching.search.beneficiary_index import BeneficiaryIndex
from services.matching.search.peer_index import PeerIndex
from tests.unit.test_match_score import LE_MANS, NANTES, TODAY, beneficiary, job, peer

REZE = (47.19058, -1.56885)  # 3 km from Nantes


def at(employer: str, code: str = "M1855", start: str = "2022-01") -> Step:
    return Step("job", code, start, None, "chosen", employer)


def changer(previous: str, transition: str = "chosen", target: str = "M1855") -> tuple[Step, ...]:
    return (job(previous, "2014-01", "2021-06"), job(target, "2021-09", transition=transition))


def test_a_peer_who_made_the_same_move_ranks_above_an_otherwise_equal_peer() -> None:
    someone = beneficiary(previous_jobs=("D1214",), target_jobs=("M1855",))
    same = rules.score(someone, peer(changer("D1211")), TODAY)  # D12: the same family as D1214
    other = rules.score(someone, peer(changer("G1602")), TODAY)
    assert same.total > other.total
    assert (
        "A quitté un métier proche du vôtre (vendeur / vendeuse d'articles de sport et loisirs) pour celui de "
        "développeur / développeuse web, comme vous" in same.reasons
    )
    assert not any("comme vous" in r for r in other.reasons)
    assert any(r.startswith("S'est reconverti(e) depuis") for r in other.reasons)


def test_the_very_job_the_beneficiary_left_is_named_as_theirs() -> None:
    someone = beneficiary(previous_jobs=("D1106", "D1214"), target_jobs=("M1855",))
    path = (job("D1214", "2010-01", "2014-01"), job("D1106", "2014-02", "2021-06"), job("M1855", "2021-09"))
    assert rules.same_move(someone.previous_jobs, someone.target_jobs, path) == ("D1106", "M1855")
    reason = rules.move_reason("D1106", "M1855", someone.previous_jobs)
    assert (
        reason == "A quitté le métier de vendeur / vendeuse en épicerie, comme vous, pour celui de "
        "développeur / développeuse web"
    )


def test_no_same_move_without_a_job_of_the_family_before_the_target() -> None:
    assert rules.same_move(("D1214",), ("M1855",), changer("G1602")) is None
    assert rules.same_move(("D1214",), ("M1855",), (job("M1855", "2015-01"), job("D1214", "2020-01"))) is None
    assert rules.same_move((), ("M1855",), changer("D1214")) is None
    training = (Step("training", "D1214", "2014-01", "2015-01", "chosen"), job("M1855", "2021-09"))
    assert rules.same_move(("D1214",), ("M1855",), training) is None, "a training is not a job left"


def test_the_families_looked_at_are_the_most_recent_ones() -> None:
    many = tuple(f"{letter}1101" for letter in "ABCDEFGHIJ")
    assert rules.families(many) == tuple(f"{letter}11" for letter in "ABCDEFGH")
    assert rules.families(("D1106", "D1107", "M1607")) == ("D11", "M16")


@pytest.mark.parametrize(
    ("wanted", "changed", "imposed", "points", "reason"),
    [
        ("imposed", True, True, rules.PATH_POINTS["same_transition"], "A vécu une reconversion subie, comme vous"),
        ("imposed", False, True, rules.PATH_POINTS["same_transition"], "A vécu une transition subie, comme vous"),
        ("imposed", True, False, 0.0, ""),
        ("chosen", True, False, rules.PATH_POINTS["same_transition"], "A choisi sa reconversion, comme vous"),
        ("chosen", True, True, 0.0, ""),
        ("chosen", False, False, 0.0, ""),
        (None, True, True, rules.PATH_POINTS["imposed"], "A vécu une transition subie"),
        (None, True, False, 0.0, ""),
    ],
)
def test_the_kind_of_transition_counts_when_it_is_the_beneficiary_s(
    wanted: str | None, changed: bool, imposed: bool, points: float, reason: str
) -> None:
    assert rules.transition_part(wanted, changed, imposed) == (points, reason)


def test_a_peer_who_lived_an_imposed_transition_ranks_above_one_who_chose() -> None:
    pushed = beneficiary(previous_jobs=("H2909",), target_jobs=("N1103",), transition="imposed")
    lived = rules.score(pushed, peer(changer("G1803", "imposed", "N1103")), TODAY)
    chose = rules.score(pushed, peer(changer("G1803", "chosen", "N1103")), TODAY)
    assert lived.total > chose.total and "A vécu une reconversion subie, comme vous" in lived.reasons
    choosing = replace(pushed, transition="chosen")
    assert (
        rules.score(choosing, peer(changer("G1803", "chosen", "N1103")), TODAY).total
        > rules.score(choosing, peer(changer("G1803", "imposed", "N1103")), TODAY).total
    )


def test_laid_off_then_hired_back_in_the_trade_is_an_imposed_transition_lived() -> None:
    path = (job("G1803", "2010-01", "2020-03"), job("G1803", "2021-02", transition="imposed"))
    assert rules.trajectory(("G1803",), path) == (False, True)
    assert rules.trajectory(("G1803",), (job("G1803", "2010-01"), job("M1607", "2020-01", transition="imposed"))) == (
        False,
        False,
    ), "an imposed move out of the trade is not how the peer came into it"


def test_in_person_only_beyond_the_radius_is_out_of_reach() -> None:
    someone = beneficiary(mobility_km=30, meeting_modes=frozenset({"in_person", "video"}))
    far_in_person = peer((job("M1805"),), at=LE_MANS, meeting_modes=frozenset({"in_person"}))
    assert rules.out_of_reach(someone, far_in_person) and not rules.eligible(someone, far_in_person)
    assert not rules.out_of_reach(someone, replace(far_in_person, meeting_modes=frozenset({"in_person", "video"})))
    assert not rules.out_of_reach(someone, peer((job("M1805"),), at=REZE))
    assert not rules.out_of_reach(someone, replace(far_in_person, latitude=None, longitude=None))
    by_phone = replace(someone, meeting_modes=frozenset({"in_person", "phone"}))
    assert rules.out_of_reach(by_phone, replace(far_in_person, meeting_modes=frozenset({"in_person", "video"})))
    stays_home = replace(someone, mobility_km=0)
    assert not rules.out_of_reach(stays_home, peer((job("M1805"),), at=NANTES))


def pool_of(paths: dict[str, tuple[Step, ...]], farther: str = "") -> list:  # type: ignore[type-arg]
    """Peers in Nantes, those whose id starts with `farther` in Rezé (a little lower on place)."""
    return [
        peer(
            path,
            at=REZE if farther and peer_id.startswith(farther) else NANTES,
            peer_id=peer_id,
            meeting_modes=frozenset({"in_person", "video"}),
        )
        for peer_id, path in paths.items()
    ]


def test_no_more_than_two_peers_of_one_employer_in_the_top_five() -> None:
    someone = beneficiary(target_jobs=("M1855",))
    peers = pool_of(
        {
            **{f"same-{i}": (at("552100554", start=f"202{i}-01"),) for i in range(4)},
            **{f"other-{i}": (at(f"90000000{i}", start="2015-01"),) for i in range(3)},
        },
        farther="other-",
    )
    ranked = rank(someone, peers, RankingContext(TODAY))
    top = [s.peer_id for s in ranked[:5]]
    assert sum(p.startswith("same-") for p in top) == 2
    assert len(ranked) == 7, "the employer's other peers come after the top five, not out of the list"
    assert all(s.note == MOVED_UP for s in ranked[2:5])


def test_one_employer_alone_still_fills_the_list() -> None:
    peers = pool_of({f"same-{i}": (at("552100554", start=f"202{i}-01"),) for i in range(4)})
    assert len(rank(beneficiary(target_jobs=("M1855",)), peers, RankingContext(TODAY))) == 4


def test_an_employer_outside_the_target_s_domain_is_not_shared() -> None:
    someone = beneficiary(target_jobs=("M1855",))
    peers = pool_of(
        {f"p{i}": (at("552100554", code="D1106", start="2010-01"), job("M1855", f"202{i}-01")) for i in range(5)}
    )
    assert len([s for s in rank(someone, peers, RankingContext(TODAY))[:5] if s.note]) == 0


def test_the_top_five_tells_a_direct_route_and_an_imposed_change_when_the_pool_has_them() -> None:
    someone = beneficiary(target_jobs=("M1855",), transition="chosen")
    paths = {
        f"changer-{i}": changer(code) for i, code in enumerate(("D1106", "G1602", "J1506", "N1103", "K2204", "F1703"))
    }
    paths["graduate"] = (Step("training", "M1855", "2019-09", "2021-06", "chosen"), job("M1855", "2021-09"))
    paths["pushed"] = changer("H2909", "imposed")
    ranked = rank(someone, pool_of(paths), RankingContext(TODAY))
    top = {s.peer_id: s for s in ranked[:5]}
    assert "graduate" in top and "pushed" in top
    assert top["graduate"].note == MOVED_UP or list(top).index("graduate") == 0
    told = set().union(*(stories(someone, p) for p in pool_of(paths) if p.peer_id in top))
    assert told == {"career_change", "direct", "chosen", "imposed"}


def test_a_contrasting_story_far_below_the_best_is_not_forced_in() -> None:
    someone = beneficiary(target_jobs=("M1855",), meeting_modes=frozenset({"in_person"}))
    paths = {
        f"changer-{i}": changer(code) for i, code in enumerate(("D1106", "G1602", "J1506", "N1103", "K2204", "F1703"))
    }
    weak = peer((job("M1801", "1998-01"),), at=(47.0871, -1.28297), peer_id="weak")  # 25 km, another job of M18
    ranked = [s.peer_id for s in rank(someone, [*pool_of(paths), weak], RankingContext(TODAY))]
    assert "weak" in ranked and ranked.index("weak") >= 5


def test_the_indexes_agree_with_the_pure_ranking_on_every_evaluation_case() -> None:
    data = json.loads(evaluate.CASES.read_text(encoding="utf-8"))
    towns, defaults = data["towns"], data["defaults"]
    for case in data["cases"]:
        someone = evaluate._beneficiary({**defaults["beneficiary"], **case["beneficiary"]}, towns)
        peers = [evaluate._peer({**defaults["peer"], **p}, towns) for p in case["peers"]]
        context = RankingContext(data["today"])
        index = PeerIndex()
        for p in peers:
            index.put(p)
        expected = [s.peer_id for s in rank(someone, peers, context)]
        assert [s.peer_id for s in rank(someone, index.pool(someone, context), context)] == expected, case["name"]
        reverse = BeneficiaryIndex()
        reverse.put(someone)
        for p in peers:
            entering = dict(reverse.reverse(p, data["today"]))
            pure = rules.score(someone, p, data["today"])
            admitted = rules.eligible(someone, p) and rules.relevant(pure.breakdown["job"])
            assert (someone.beneficiary_id in entering) == admitted, (case["name"], p.peer_id)
            if admitted:
                assert entering[someone.beneficiary_id] == pytest.approx(pure.total, abs=1e-3), (
                    case["name"],
                    p.peer_id,
                )


def test_matching_keeps_the_jobs_held_before_most_recent_first() -> None:
    from services.matching.adapters.projections import previous_jobs

    steps = [
        {"kind": "job", "rome_code": "D1106", "start_month": "2010-01", "end_month": "2014-12"},
        {"kind": "training", "rome_code": "M1855", "start_month": "2025-01", "end_month": None},
        {"kind": "job", "rome_code": "D1214", "start_month": "2015-01", "end_month": "2024-06"},
        {"kind": "job", "rome_code": "D1106", "start_month": "2008-01", "end_month": "2009-12"},
    ]
    assert previous_jobs(steps) == ("D1214", "D1106")
    assert previous_jobs([]) == ()
