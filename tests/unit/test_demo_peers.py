"""The demo's 300 peers tell varied stories: no two peers a demo beneficiary is offered share a path, every
job is written in the gender of the peer's first name, and the names look like people's."""

from __future__ import annotations

import random
import re
from typing import Any

from services.matching.domain.model import BeneficiaryView, PeerView, Step
from services.matching.domain.ranking import RankingContext, rank
from services.profiles.demo import BENEFICIARIES_PER_AGENCY, DEMO_AGENCIES, PEERS_PER_AGENCY, beneficiary_body
from services.profiles.demo_peers import (
    EPICENE_NAMES,
    FEMALE_NAMES,
    FIRST_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    job_words,
    peer_rows,
)
from services.reference import labels, places

SLUGS = sorted(slug for slug, _ in DEMO_AGENCIES)


def demo_peers() -> list[tuple[str, dict[str, Any]]]:
    """(agency, row) for every demo peer, as `demo.import_demo_peers` makes them."""
    return [
        (slug, row)
        for index, slug in enumerate(SLUGS)
        for row in peer_rows(PEERS_PER_AGENCY, seed=index, email_domain=f"{slug}.test", first=index * PEERS_PER_AGENCY)
    ]


def steps_of(row: dict[str, Any]) -> list[dict[str, str]]:
    count = max(int(key[4]) for key in row if re.fullmatch(r"step\d_kind", key))
    return [
        {name: row[f"step{n}_{name}"] for name in ("kind", "rome", "start", "end", "transition", "text")}
        for n in range(1, count + 1)
    ]


def path_of(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((s["kind"], s["rome"]) for s in steps_of(row))


def peer_view(number: int, agency: str, row: dict[str, Any]) -> PeerView:
    home = places.place(row["place"])
    assert home is not None
    return PeerView(
        f"peer-{number}",
        agency,
        "52",
        row["kind"],
        "region" if row["visibility"] == "region" else "agency",
        row["vetted"] == "oui",
        frozenset(row["meeting_modes"].split(";")) | ({"company_visit"} if row["company_visits"] == "oui" else set()),
        int(row["capacity_per_month"]),
        False,
        frozenset(row["languages"].split(";")),
        home.latitude,
        home.longitude,
        tuple(Step(s["kind"], s["rome"] or None, s["start"], s["end"] or None, s["transition"]) for s in steps_of(row)),
        place_id=row["place"],
    )


def test_there_are_300_peers_and_no_two_share_a_path_or_a_name() -> None:
    peers = demo_peers()
    assert len(peers) == 300
    assert len({path_of(row) for _, row in peers}) == 300
    assert len({(row["first_name"], row["last_name"]) for _, row in peers}) == 300
    assert len({row["email"] for _, row in peers}) == 300


def test_no_two_peers_suggested_to_a_demo_beneficiary_share_a_path() -> None:
    peers = [peer_view(n, agency, row) for n, (agency, row) in enumerate(demo_peers())]
    paths = {p.peer_id: tuple((s.kind, s.rome_code) for s in p.path) for p in peers}
    towns = sorted(places.in_region("52"), key=lambda p: -p.population)[:60]
    checked = 0
    for index, slug in enumerate(SLUGS):
        rng = random.Random(1000 + index)
        for number in range(BENEFICIARIES_PER_AGENCY):
            body = beneficiary_body(rng, towns)
            project, identity = body["project"], body["identity"]
            assert isinstance(project, dict) and isinstance(identity, dict)
            home = places.place(project["place_id"])
            assert home is not None
            beneficiary = BeneficiaryView(
                f"{slug}-{number}",
                slug,
                "52",
                "guardian" in identity,
                home.latitude,
                home.longitude,
                project["mobility_km"],
                project["situation"],
                project["education_level"],
                tuple(project["target_jobs"]),
                (),
                frozenset(project["meeting_modes"]),
                frozenset({"fr"}),
                True,
            )
            suggested = rank(beneficiary, peers, RankingContext("2026-11"))
            shown = [paths[s.peer_id] for s in suggested]
            assert len(shown) == len(set(shown)), (slug, number)
            checked += len(suggested) > 1
    assert checked > 50  # the rule was tried on lists, not on empty ones


def test_every_job_is_written_in_the_gender_of_the_peers_first_name() -> None:
    for _, row in demo_peers():
        first = row["first_name"]
        assert first in FIRST_NAMES and row["last_name"] in LAST_NAMES
        genders = {False, True} if first in EPICENE_NAMES else {first in FEMALE_NAMES}
        assert first in FEMALE_NAMES or first in MALE_NAMES or first in EPICENE_NAMES
        written = set()
        for step in steps_of(row):
            if not step["rome"] or step["kind"] != "job":
                continue
            masculine, feminine = job_words(step["rome"], False), job_words(step["rome"], True)
            if masculine == feminine:
                continue
            if step["text"].startswith(feminine):
                written.add(True)
            elif step["text"].startswith(masculine):
                written.add(False)
            else:
                raise AssertionError(f"{step['text']!r} names no form of {labels.job(step['rome'])!r}")
        assert len(written) <= 1 and written <= genders, (first, row["testimony"])
        assert row["testimony"].startswith(steps_of(row)[-1]["text"])


def test_names_and_addresses_look_like_peoples() -> None:
    for _, row in demo_peers():
        assert re.fullmatch(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ]+)*", row["first_name"]), row["first_name"]
        assert re.fullmatch(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ]+)*", row["last_name"]), row["last_name"]
        assert not re.search(r"\d|test|demo|essai", f"{row['first_name']} {row['last_name']}", re.IGNORECASE)
        local = row["email"].split("@")[0]
        assert re.fullmatch(r"[a-z-]+\.[a-z-]+\d?", local), row["email"]
    assert "Le" not in LAST_NAMES and "Gall" not in LAST_NAMES
    assert not set(FEMALE_NAMES) & set(MALE_NAMES)
