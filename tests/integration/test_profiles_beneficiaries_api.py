"""Beneficiaries through the profiles API on the running platform: rules, isolation, events."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from services.profiles.api.beneficiaries import EXAMPLE
from tests.conftest import Servers
from tests.integration.support import wait_until
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_agency, new_staff

pytestmark = pytest.mark.integration


@dataclass
class Agency:
    agency_id: str
    counsellor: dict[str, str]
    colleague: dict[str, str]


async def agency(profiles: httpx.AsyncClient, name: str) -> Agency:
    agency_id = await new_agency(profiles, f"{name} {uuid.uuid4().hex[:12]}")
    counsellor = bearer(await login(profiles, await new_staff(profiles, agency_id, ["counsellor"], as_operator())))
    colleague = bearer(await login(profiles, await new_staff(profiles, agency_id, ["validator"], as_operator())))
    return Agency(agency_id, counsellor, colleague)


def beneficiary(**project: Any) -> dict[str, Any]:
    body = copy.deepcopy(EXAMPLE)
    body["identity"]["last_name"] = f"Moreau-{uuid.uuid4().hex[:6]}"
    body["project"].update(project)
    return body


async def events_of(servers: Servers, aggregate_id: str) -> list[Envelope]:
    records = await read_topic(
        servers.kafka_bootstrap_servers, "profiles.beneficiary", lambda r: r.key == aggregate_id.encode()
    )
    return [Envelope.from_bytes(r.value) for r in records]


async def test_a_counsellor_follows_a_beneficiary_from_registration_to_closing(
    servers: Servers, profiles: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    created = await profiles.post("/beneficiaries", json=beneficiary(), headers=nantes.counsellor)
    assert created.status_code == 201, created.text
    record = created.json()
    beneficiary_id = record["beneficiary_id"]
    assert record["minor"] is False and record["project"]["target_jobs"] == ["M1805"] and record["version"] == 1

    found = await profiles.get(
        "/beneficiaries", params={"q": "ines " + record["identity"]["last_name"][7:]}, headers=nantes.colleague
    )
    assert [b["beneficiary_id"] for b in found.json()] == [beneficiary_id], "accents and case ignored"

    moved = await profiles.patch(
        f"/beneficiaries/{beneficiary_id}",
        json={"project": {**EXAMPLE["project"], "target_jobs": ["m1855", "M1805"], "mobility_km": 50}},
        headers=nantes.counsellor,
    )
    assert moved.status_code == 200 and moved.json()["project"]["target_jobs"] == ["M1855", "M1805"]
    renamed = await profiles.patch(
        f"/beneficiaries/{beneficiary_id}",
        json={"identity": {**EXAMPLE["identity"], "last_name": "Moreau", "accessibility_needs": "fauteuil"}},
        headers=nantes.counsellor,
    )
    assert renamed.json()["version"] == 3 and renamed.json()["identity"]["accessibility_needs"] == "fauteuil"
    closed = await profiles.post(
        f"/beneficiaries/{beneficiary_id}/close",
        json={"outcome": "employment", "note": "CDI de développeuse"},
        headers=nantes.counsellor,
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["outcome"] == "employment" and closed.json()["outcome_note"] == "CDI de développeuse"
    again = await profiles.post(
        f"/beneficiaries/{beneficiary_id}/close", json={"outcome": "employment"}, headers=nantes.counsellor
    )
    assert again.status_code == 422

    async def announced() -> bool:
        return len(await events_of(servers, beneficiary_id)) == 3

    await wait_until(announced, what="registered, project changed and closed on Kafka")
    events = await events_of(servers, beneficiary_id)
    assert [e.event_type for e in events] == [
        "profiles.beneficiary.registered",
        "profiles.beneficiary.project_changed",
        "profiles.beneficiary.closed",
    ], "a change of identity alone is not announced"
    assert [e.aggregate_version for e in events] == [1, 2, 4]
    assert events[1].payload["target_jobs"] == ["M1855", "M1805"] and events[1].payload["mobility_km"] == 50
    assert events[0].payload["latitude"] == pytest.approx(47.21725) and events[0].tenant_id == nantes.agency_id
    wire = " ".join(e.model_dump_json() for e in events)
    assert events[2].payload["outcome"] == "employment"
    for personal in ("Inès", "Moreau", "06 12 34 56 78", "fauteuil", "CDI de développeuse"):
        assert personal not in wire, f"{personal!r} must stay in profiles"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"project": {"target_jobs": ["Z9999"]}}, "target_jobs", "Métier inconnu (code ROME Z9999)"),
        ({"project": {"place_id": "0"}}, "place_id", "Commune inconnue"),
        ({"project": {"mobility_km": -5}}, "mobility_km", "entre 0 et 300 km"),
        ({"project": {"sectors": ["04"]}}, "sectors", "Secteur inconnu (code NAF 04)"),
        ({"identity": {"birth_year": 2011}}, "guardian", "représentant légal"),
        ({"project": {"situation": "astronaut"}}, "situation", "Choisissez une valeur"),
    ],
)
async def test_bad_input_is_answered_422_with_a_message_on_its_field(
    profiles: httpx.AsyncClient, change: dict[str, Any], field: str, words: str
) -> None:
    laval = await agency(profiles, "CIO")
    body = beneficiary()
    for part, values in change.items():
        body[part].update(values)
    answer = await profiles.post("/beneficiaries", json=body, headers=laval.counsellor)
    assert answer.status_code == 422
    problems = [p for p in answer.json()["detail"] if field in p["loc"]]
    assert problems and words in problems[0]["msg"], answer.text


async def test_a_minor_with_a_guardian_is_registered_and_flagged(profiles: httpx.AsyncClient) -> None:
    laval = await agency(profiles, "CIO")
    body = beneficiary()
    body["identity"].update(birth_year=2011, guardian={"name": "Nadia Moreau", "phone": "06 98 76 54 32"})
    answer = await profiles.post("/beneficiaries", json=body, headers=laval.counsellor)
    assert answer.status_code == 201 and answer.json()["minor"] is True


async def test_another_agency_sees_nothing_and_a_coordinator_sees_only_counts(profiles: httpx.AsyncClient) -> None:
    mine, theirs = await agency(profiles, "Mission locale"), await agency(profiles, "France Travail")
    beneficiary_id = (await profiles.post("/beneficiaries", json=beneficiary(), headers=mine.counsellor)).json()[
        "beneficiary_id"
    ]
    url = f"/beneficiaries/{beneficiary_id}"
    become = {
        "email": "a@b.fr",
        "offer": {"meeting_modes": ["video"]},
        "path": [{"kind": "other", "start_month": "2020-01", "transition": "chosen"}],
    }
    for answer in (
        await profiles.get(url, headers=theirs.counsellor),
        await profiles.patch(url, json={"project": EXAMPLE["project"]}, headers=theirs.counsellor),
        await profiles.post(f"{url}/close", json={"outcome": "other"}, headers=theirs.counsellor),
        await profiles.get(f"{url}/export", headers=theirs.counsellor),
        await profiles.post(f"{url}/become-peer", json=become, headers=theirs.counsellor),
        await profiles.delete(url, headers=theirs.counsellor),
    ):
        assert answer.status_code == 404, answer.text
        assert "Moreau" not in answer.text
    listed = await profiles.get("/beneficiaries", params={"state": "all"}, headers=theirs.counsellor)
    assert beneficiary_id not in listed.text
    assert (await profiles.get(url, headers=mine.colleague)).status_code == 200

    coordinator = bearer(
        await login(profiles, await new_staff(profiles, theirs.agency_id, ["regional_coordinator"], as_operator()))
    )
    assert (await profiles.get("/beneficiaries", headers=coordinator)).status_code == 403
    assert (await profiles.get(url, headers=coordinator)).status_code == 403
    counts = (await profiles.get("/stats/beneficiaries", headers=coordinator)).json()
    of_mine = next(c for c in counts if c["agency_id"] == mine.agency_id)
    assert of_mine["active"] == 1 and of_mine["situations"] == {"job_seeker": 1}
    assert "Moreau" not in str(counts) and "Inès" not in str(counts)
    own_counts = (await profiles.get("/stats/beneficiaries", headers=theirs.counsellor)).json()
    assert [c["agency_id"] for c in own_counts] in ([], [theirs.agency_id])


async def test_the_list_is_newest_first_page_by_page_with_the_search_and_filters_in_the_database(
    profiles: httpx.AsyncClient,
) -> None:
    laval = await agency(profiles, "Mission locale")
    family = f"Lefèvre{uuid.uuid4().hex[:6]}"
    ids = []
    for first_name in ("Élodie", "Eloïse", "Hugo", "Elodie-Marie", "Yanis"):
        body = beneficiary()
        body["identity"].update(first_name=first_name, last_name=family)
        ids.append(
            (await profiles.post("/beneficiaries", json=body, headers=laval.counsellor)).json()["beneficiary_id"]
        )
    await profiles.post(f"/beneficiaries/{ids[4]}/close", json={"outcome": "other"}, headers=laval.counsellor)

    pages: list[list[str]] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        page = await profiles.get("/beneficiaries", params=params, headers=laval.colleague)
        assert page.status_code == 200, page.text
        pages.append([b["beneficiary_id"] for b in page.json()])
        if "X-Next-Cursor" not in page.headers:
            break
        assert page.headers["X-Next-Cursor"] == pages[-1][-1] and 'rel="next"' in page.headers["Link"]
        params["after"] = page.headers["X-Next-Cursor"]
    assert pages == [ids[3::-1][:2], ids[3::-1][2:], []], "active ones, newest first, two by two"

    searched = await profiles.get("/beneficiaries", params={"q": f"ELODIE {family[-4:]}"}, headers=laval.colleague)
    assert [b["beneficiary_id"] for b in searched.json()] == [ids[3], ids[0]], "every word, accents and case ignored"
    closed = await profiles.get("/beneficiaries", params={"state": "closed"}, headers=laval.colleague)
    every = await profiles.get("/beneficiaries", params={"state": "all", "limit": 200}, headers=laval.colleague)
    assert [b["beneficiary_id"] for b in closed.json()] == [ids[4]]
    assert [b["beneficiary_id"] for b in every.json()] == ids[::-1] and "X-Next-Cursor" not in every.headers
