"""The match score on plain values: what a counsellor would expect."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import ValidationError

from services.matching.app import MatchingSettings, memory_for
from services.matching.domain import score as rules
from services.matching.domain.card import card
from services.matching.domain.fairness import fair_share
from services.matching.domain.model import BeneficiaryView, PeerLoad, PeerView, Reliability, Step
from services.matching.domain.ranking import RankingContext, rank

TODAY = "2026-11"
NANTES = (47.21725, -1.55336)
SAINT_NAZAIRE = (47.27381, -2.2139)  # about 50 km away
LE_MANS = (48.0, 0.2)  # about 150 km away


def beneficiary(**changes: object) -> BeneficiaryView:
    fields: dict[str, object] = dict(
        beneficiary_id="b",
        agency_id="a",
        region_code="52",
        minor=False,
        latitude=NANTES[0],
        longitude=NANTES[1],
        mobility_km=30,
        situation="job_seeker",
        education_level="level_4",
        target_jobs=("M1805",),
        sectors=(),
        meeting_modes=frozenset({"in_person", "video"}),
        languages=frozenset({"fr"}),
        matching_consent=True,
    )
    return BeneficiaryView(**(fields | changes))  # type: ignore[arg-type]


def peer(path: tuple[Step, ...], at: tuple[float, float] = NANTES, **changes: object) -> PeerView:
    fields: dict[str, object] = dict(
        peer_id="p",
        agency_id="a",
        region_code="52",
        kind="professional",
        visibility="region",
        vetted=False,
        meeting_modes=frozenset({"in_person"}),
        capacity_per_month=2,
        paused=False,
        languages=frozenset({"fr"}),
        latitude=at[0],
        longitude=at[1],
        path=path,
    )
    return PeerView(**(fields | changes))  # type: ignore[arg-type]


def job(code: str, start: str = "2024-01", end: str | None = None, transition: str = "chosen") -> Step:
    return Step("job", code, start, end, transition)


def test_same_job_nearby_comes_before_same_domain_far_away() -> None:
    near_same = rules.score(beneficiary(mobility_km=200), peer((job("M1805"),)), TODAY)
    far_domain = rules.score(beneficiary(mobility_km=200), peer((job("M1855"),), at=LE_MANS), TODAY)
    assert near_same.total > far_domain.total
    assert near_same.reasons[0].startswith("A exercé le métier visé : Développeur / Développeuse informatique")
    assert far_domain.breakdown["job"] == 0.7


def test_a_career_changer_comes_before_a_peer_who_never_changed() -> None:
    changer = peer(
        (
            job("D1106", "2015-01", "2021-12"),
            Step("training", "M1805", "2022-01", "2022-12", "imposed"),
            job("M1805", "2023-01"),
        )
    )
    straight = peer((job("M1805", "2015-01"),))
    changed, stayed = rules.score(beneficiary(), changer, TODAY), rules.score(beneficiary(), straight, TODAY)
    assert changed.total > stayed.total
    assert any(r.startswith("S'est reconverti(e) depuis : Vendeur") for r in changed.reasons)
    assert "A vécu une transition subie" in changed.reasons


def test_job_proximity_ladder() -> None:
    targets = ("M1805",)
    assert rules.job_proximity(targets, (job("M1805"),)).value == 1.0
    assert rules.job_proximity(targets, (job("M1810"),)).value == 0.7
    assert rules.job_proximity(targets, (job("M1203"),)).value == 0.4
    assert rules.job_proximity(targets, (job("A1414"),)).value == 0.0
    assert rules.job_proximity(targets, (Step("unemployment", None, "2020-01", None, "imposed"),)).value == 0.0


def test_distance_decays_within_the_radius_and_remote_meetings_ignore_it() -> None:
    near = rules.place(beneficiary(), peer(()))
    outside = rules.place(beneficiary(mobility_km=20), peer((), at=SAINT_NAZAIRE))
    remote = rules.place(beneficiary(mobility_km=20), peer((), at=LE_MANS, meeting_modes=frozenset({"video"})))
    assert near.value > 0.9 and near.reasons == ("À 0 km",)
    assert outside.value == 0.0
    assert remote.value == 0.6 and "visio" in remote.reasons[0]


def test_reliability_has_a_neutral_prior_and_rewards_answers() -> None:
    newcomer = rules.reliability(Reliability()).value
    ghost = rules.reliability(Reliability(proposed=10, answered=1)).value
    steady = rules.reliability(Reliability(proposed=10, answered=10, meetings=9, useful_sum=40, ratings=9)).value
    assert ghost < newcomer < steady


def test_hard_rules() -> None:
    b, p = beneficiary(), peer((job("M1805"),))
    assert rules.eligible(b, p)
    assert not rules.eligible(replace(b, matching_consent=False), p)
    assert not rules.eligible(b, replace(p, paused=True))
    assert not rules.eligible(b, replace(p, agency_id="other", visibility="agency"))
    assert rules.eligible(b, replace(p, agency_id="other"))
    assert not rules.eligible(b, replace(p, agency_id="other", region_code="53"))
    assert not rules.eligible(replace(b, minor=True), p) and rules.eligible(
        replace(b, minor=True), replace(p, vetted=True)
    )


def test_capacity_dismissal_and_fair_load() -> None:
    b, p = beneficiary(), peer((job("M1805"),))  # capacity 2 a month
    assert RankingContext(TODAY).admits(b, p)
    assert not RankingContext(TODAY, dismissed=frozenset({"p"})).admits(b, p)
    full = {"p": PeerLoad(booked=2)}
    assert not RankingContext(TODAY, loads=full).admits(b, p), "a peer at capacity is never suggested"
    assert not RankingContext(TODAY, loads=full, listed=frozenset({"p"})).admits(b, p)
    crowded = {"p": PeerLoad(booked=1, listed_in=3)}  # one free slot x factor 3 = three lists
    assert not RankingContext(TODAY, loads=crowded, fairness=3).admits(b, p), "popular peers are not flooded"
    assert RankingContext(TODAY, loads=crowded, fairness=3, listed=frozenset({"p"})).admits(b, p)
    assert RankingContext(TODAY, loads=crowded, fairness=4).admits(b, p)
    assert fair_share(capacity_per_month=2, booked=0, factor=1.5) == 3


def test_a_peer_is_suggested_only_for_a_related_job() -> None:
    unrelated = peer((Step("unemployment", None, "2024-01", None, "imposed"), job("A1101")))
    assert rank(beneficiary(), [unrelated], RankingContext(TODAY)) == []
    assert rank(beneficiary(), [unrelated, peer((job("M1805"),))], RankingContext(TODAY))[0].peer_id == "p"


def test_a_nearby_peer_who_also_meets_by_video_is_worth_at_least_a_remote_one() -> None:
    b = beneficiary(mobility_km=60)
    both = rules.place(b, peer((job("M1805"),), at=SAINT_NAZAIRE, meeting_modes=frozenset({"in_person", "video"})))
    remote = rules.place(b, peer((job("M1805"),), meeting_modes=frozenset({"video"})))
    assert both.value >= remote.value == rules.REMOTE_VALUE


def test_per_agency_weights_come_from_settings_and_must_add_up_to_one() -> None:
    settings = MatchingSettings(
        link_signing_key="k" * 32,
        agency_weights={"a": {"job": 0.5, "path": 0.2, "place": 0.1, "fit": 0.1, "reliability": 0.1}},  # type: ignore[dict-item]
    )
    assert memory_for(settings).weights["a"] == rules.Weights(job=0.5, path=0.2, place=0.1, fit=0.1, reliability=0.1)
    with pytest.raises(ValidationError, match="add up to 1"):
        MatchingSettings(
            link_signing_key="k" * 32,
            agency_weights={"a": {"job": 0.5, "path": 0.5, "place": 0.1, "fit": 0.1, "reliability": 0.1}},  # type: ignore[dict-item]
        )
    with pytest.raises(ValidationError, match="PARCOURS_LINK_SIGNING_KEY"):
        MatchingSettings(link_signing_key="short")


def test_repeated_no_shows_lower_reliability_more_and_none_change_nothing() -> None:
    from services.matching.domain.peer_record import Facts, record_of

    held = [Facts("2026-11", True, 10.0, True, 4)] * 3
    clean = record_of(held).reliability
    once = record_of([*held, Facts("2026-11", True, 10.0, False, None, no_show=True)]).reliability
    twice = record_of([*held, *[Facts("2026-11", True, 10.0, False, None, no_show=True)] * 2]).reliability
    assert (clean.no_shows, once.no_shows, twice.no_shows) == (0, 1, 2)
    assert rules.reliability(clean).value > rules.reliability(once).value > rules.reliability(twice).value
    answered_only = record_of([*held, Facts("2026-11", True, 10.0, False, None)]).reliability
    assert rules.reliability(answered_only).value > rules.reliability(once).value, (
        "a no-show weighs more than no meeting"
    )


def test_a_peer_the_re_rank_moves_up_says_why_and_the_others_say_nothing() -> None:
    """Two developers still developers, and one who went on to web development a little further away: the
    second developer scores better, but the same-path rule puts the other path before them, and says why."""
    wanted = beneficiary(target_jobs=("M1805",))
    developers = [peer((job("M1805"),), peer_id=f"dev-{n}") for n in (1, 2)]
    web = peer((job("M1805", "2023-01", "2024-01"), job("M1855", "2024-02")), peer_id="web", at=(47.25, -1.6))
    ranked = rank(wanted, [*developers, web], RankingContext(TODAY))
    raw = sorted(ranked, key=lambda s: -s.total)
    assert [s.peer_id for s in ranked] != [s.peer_id for s in raw], "the case must be one the re-rank changes"
    moved = [s for s in ranked if s.note]
    assert [s.peer_id for s in moved] == ["web"] and moved[0].note == "Placé plus haut pour varier les parcours"


def test_reasons_tell_two_peers_of_the_same_job_apart_by_their_paths() -> None:
    seeker = beneficiary(target_jobs=("J1501",))
    by_training = peer(
        (
            Step("job", "G1602", "2015-01", "2019-12", "chosen"),
            Step("training", "J1501", "2020-01", "2020-12", "imposed"),
            job("J1501", "2021-01"),
        ),
        peer_id="a",
    )
    by_apprenticeship = peer(
        (
            Step("unemployment", None, "2019-01", "2020-08", "imposed"),
            Step("apprenticeship", "J1501", "2020-09", None, "chosen"),
        ),
        peer_id="b",
    )
    reasons = {s.peer_id: set(s.reasons) for s in rank(seeker, [by_training, by_apprenticeship], RankingContext(TODAY))}
    assert reasons["a"] != reasons["b"]
    assert "Entré(e) dans le métier par une formation" in reasons["a"]
    assert "Entré(e) dans le métier par l'apprentissage" in reasons["b"]
    assert any(r.startswith("S'est reconverti(e) depuis : Commis / Commise de cuisine (G1602)") for r in reasons["a"])
    assert any(r.startswith("Dans le métier depuis") for r in reasons["b"])


def test_a_card_shows_the_peers_town_distance_and_modes() -> None:
    angers = peer(
        (job("M1805"),), at=(47.47, -0.55), place_id="3037656", meeting_modes=frozenset({"video", "in_person"})
    )
    scored = rank(beneficiary(mobility_km=100), [angers], RankingContext(TODAY))[0]
    shown = card(scored, beneficiary(mobility_km=100), angers)
    assert shown.town == "Angers" and 75 < (shown.distance_km or 0) < 95
    assert shown.meeting_modes == ("in_person", "video") and shown.shared_modes == ("in_person", "video")
    assert card(scored, beneficiary(), None).town == ""
