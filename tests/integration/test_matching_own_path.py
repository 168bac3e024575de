"""The beneficiary's own path on the running platform (profiles -> Kafka -> matching): counsellors' examples
of the same move, of an imposed transition, of one employer's peers and of a peer too far away."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.reference.siret import siret_problems
from tests.conftest import Servers
from tests.integration.support import ServiceProcess, accept_charter, wait_until
from tests.integration.test_matching_introductions import agency as agency_in
from tests.integration.test_profiles_beneficiaries_api import Agency, beneficiary
from tests.integration.test_profiles_peers_api import peer

pytestmark = pytest.mark.integration

REGION = "11"  # a region of its own: other files' beneficiaries would take these peers' share of top lists
NANTES, REZE, SAINT_HERBLAIN, LAVAL = "2990969", "2983770", "2979590", "3005866"
MOVED_UP = "Placé plus haut pour varier les parcours"


async def agencies(profiles: httpx.AsyncClient) -> tuple[Agency, Agency]:
    """The peers' agency and the beneficiary's, both of this file's region."""
    return await agency_in(profiles, "Cap emploi", REGION), await agency_in(profiles, "Mission locale", REGION)


def job(code: str, start: str, end: str | None = None, transition: str = "chosen", **more: Any) -> dict[str, Any]:
    return {"kind": "job", "rome_code": code, "start_month": start, "end_month": end, "transition": transition, **more}


async def publish(
    profiles: httpx.AsyncClient, owner: Agency, path: list[dict[str, Any]], place: str = NANTES, **offer: Any
) -> str:
    body = peer(
        path=path,
        offer={"meeting_modes": ["in_person", "video"], "company_visits": False, "capacity_per_month": 3, **offer},
    )
    body["identity"]["place_id"] = place
    created = await profiles.post("/peers", json=body, headers=owner.counsellor)
    assert created.status_code == 201, created.text
    await accept_charter(profiles, created.json()["peer_id"])
    return str(created.json()["peer_id"])


async def register(profiles: httpx.AsyncClient, owner: Agency, **project: Any) -> str:
    created = await profiles.post("/beneficiaries", json=beneficiary(**project), headers=owner.counsellor)
    assert created.status_code == 201, created.text
    return str(created.json()["beneficiary_id"])


async def suggestions(matching: httpx.AsyncClient, owner: Agency, beneficiary_id: str) -> list[dict[str, Any]]:
    answer = await matching.get(
        f"/beneficiaries/{beneficiary_id}/suggestions", params={"limit": 50}, headers=owner.counsellor
    )
    return list(answer.json()) if answer.status_code == 200 else []


async def wait_for(
    matching: httpx.AsyncClient, owner: Agency, beneficiary_id: str, peers: set[str], what: str
) -> list[dict[str, Any]]:
    """The suggestions once every named peer is in them (then the list is complete for these tests)."""

    async def arrived() -> bool:
        return peers <= {s["peer_id"] for s in await suggestions(matching, owner, beneficiary_id)}

    await wait_until(arrived, timeout=90, what=what)
    return await suggestions(matching, owner, beneficiary_id)


def order(found: list[dict[str, Any]]) -> list[str]:
    return [s["peer_id"] for s in found]


def siret(siren: str, establishment: int) -> str:
    """A SIRET of the company `siren` whose key is right (the last digit makes the Luhn sum)."""
    stem = f"{siren}{establishment:04d}"
    return next(f"{stem}{d}" for d in "0123456789" if not siret_problems(f"{stem}{d}", "siret"))


async def test_a_shop_assistant_turning_to_web_development_meets_first_the_peer_who_left_retail_for_it(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agencies(profiles)
    into_web = [{"kind": "training", "rome_code": "M1855", "start_month": "2020-09", "end_month": "2021-06",
                 "transition": "chosen"}, job("M1855", "2021-09")]  # fmt: skip
    same_move = await publish(profiles, theirs, [job("D1211", "2014-03", "2020-06"), *into_web])
    from_kitchen = await publish(profiles, theirs, [job("G1602", "2014-03", "2020-06"), *into_web])
    graduate = await publish(profiles, theirs, into_web)
    person = await register(
        profiles,
        mine,
        target_jobs=["M1855"],
        sectors=[],
        previous_steps=[{"kind": "job", "rome_code": "D1214", "start_month": "2016-01", "end_month": "2025-06"}],
        transition={"kind": "chosen"},
    )
    found = await wait_for(matching, mine, person, {same_move, from_kitchen, graduate}, "the three web developers")
    ranks = order(found)
    assert ranks.index(same_move) < ranks.index(from_kitchen) < ranks.index(graduate), ranks
    card = found[ranks.index(same_move)]
    assert (
        "A quitté un métier proche du vôtre (vendeur / vendeuse d'articles de sport et loisirs) pour celui de "
        "développeur / développeuse web, comme vous" in card["reasons"]
    )
    assert "A choisi sa reconversion, comme vous" in card["reasons"]
    assert not any("comme vous" in r and "quitté" in r for r in found[ranks.index(from_kitchen)]["reasons"])


async def test_a_factory_worker_made_redundant_meets_first_a_peer_who_lived_a_redundancy(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    theirs, mine = await agencies(profiles)
    laid_off = await publish(
        profiles,
        theirs,
        [
            job("G1803", "2012-01", "2021-12"),
            job("N1103", "2022-06", transition="imposed", transition_reason="redundancy"),
        ],
    )
    chose = await publish(profiles, theirs, [job("G1803", "2012-01", "2021-12"), job("N1103", "2022-06")])
    person = await register(
        profiles,
        mine,
        target_jobs=["N1103"],
        sectors=[],
        previous_steps=[{"kind": "job", "rome_code": "H2909", "start_month": "2010-01", "end_month": "2025-09"}],
        transition={"kind": "imposed", "reason": "redundancy"},
    )
    found = await wait_for(matching, mine, person, {laid_off, chose}, "the two warehouse workers")
    ranks = order(found)
    assert ranks.index(laid_off) < ranks.index(chose), ranks
    assert "A vécu une reconversion subie, comme vous" in found[ranks.index(laid_off)]["reasons"]
    profile = (await profiles.get(f"/beneficiaries/{person}", headers=mine.counsellor)).json()
    assert profile["project"]["transition"] == {"kind": "imposed", "reason": "redundancy"}
    assert profile["labels"]["jobs"]["H2909"] == "Assembleur monteur / Assembleuse monteuse"

    assert (await profiles.delete(f"/beneficiaries/{person}", headers=mine.counsellor)).status_code == 204
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_uri)
    try:
        projects = client[platform["matching"].env["PARCOURS_MONGODB_DATABASE"]]["beneficiary_projects"]

        async def forgotten() -> bool:  # erasure reaches the path before and the transition in matching too
            kept = await projects.find_one({"_id": person})
            return kept is not None and kept.get("erased") is True and "previous_steps" not in kept

        await wait_until(forgotten, timeout=90, what="matching to forget the erased beneficiary's path")
    finally:
        await client.close()


async def test_one_employer_s_peers_do_not_fill_the_top_five(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agencies(profiles)
    siren = f"8{uuid.uuid4().int % 10**8:08d}"
    brasserie = {
        await publish(profiles, theirs, [job("G1803", f"202{i}-01", employer="Brasserie du Port", employer_siret=s)])
        for i, s in enumerate(siret(siren, n) for n in range(1, 5))
    }
    others = {
        await publish(profiles, theirs, [job("G1803", "2016-01", employer=f"Café {i}")], place=place)
        for i, place in enumerate((REZE, SAINT_HERBLAIN, REZE))
    }
    person = await register(profiles, mine, target_jobs=["G1803"], sectors=[], situation="employee")
    found = await wait_for(matching, mine, person, brasserie | others, "the seven waiters")
    top = order(found)[:5]
    assert len(set(top) & brasserie) <= 2, top
    assert any(s["note"] == MOVED_UP for s in found[:5] if s["peer_id"] in others), "the card says why it was placed"
    shown = (await profiles.get(f"/peers/{next(iter(brasserie))}", headers=mine.counsellor)).json()
    assert shown["path"][0]["employer"] == "Brasserie du Port"
    valid = siret(siren, 9)
    wrong = job(
        "G1803", "2020-01", employer="Brasserie du Port", employer_siret=valid[:-1] + str((int(valid[-1]) + 1) % 10)
    )
    refused = await profiles.post("/peers", json=peer(path=[wrong]), headers=theirs.counsellor)
    assert refused.status_code == 422
    assert [(e["field"], e["message"]) for e in refused.json()["errors"]] == [
        ("path[0].employer_siret", "La clé du SIRET est fausse : vérifiez les 14 chiffres.")
    ]


async def test_a_peer_who_meets_only_in_person_beyond_the_travel_radius_is_not_suggested(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    theirs, mine = await agencies(profiles)
    far = await publish(profiles, theirs, [job("F1703", "2010-01")], place=LAVAL, meeting_modes=["in_person"])
    far_by_video = await publish(profiles, theirs, [job("F1703", "2011-01")], place=LAVAL)
    near = await publish(profiles, theirs, [job("F1703", "2015-01")], place=REZE, meeting_modes=["in_person"])
    person = await register(
        profiles, mine, target_jobs=["F1703"], sectors=[], mobility_km=20, meeting_modes=["in_person", "video"]
    )
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_uri)
    try:
        cards = client[platform["matching"].env["PARCOURS_MONGODB_DATABASE"]]["peer_cards"]

        async def far_known() -> bool:  # matching holds the far peer: its absence is the rule, not a delay
            return await cards.find_one({"_id": far}) is not None

        await wait_until(far_known, timeout=90, what="matching to hold the far peer")
    finally:
        await client.close()
    found = await wait_for(matching, mine, person, {near, far_by_video}, "the near mason and the one met by video")
    assert far not in order(found)
    assert order(found)[0] == near
