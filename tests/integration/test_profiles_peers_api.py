"""Peers and their lived paths through the profiles API on the running platform."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from services.profiles.api.peer_models import PEER_EXAMPLE
from tests.conftest import Servers
from tests.integration.support import wait_until
from tests.integration.test_profiles_beneficiaries_api import agency, beneficiary

pytestmark = pytest.mark.integration


def peer(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(PEER_EXAMPLE)
    body["identity"]["email"] = f"{uuid.uuid4().hex[:8]}@example.org"
    body.update(changes)
    return body


async def peer_events(servers: Servers, peer_id: str) -> list[Envelope]:
    records = await read_topic(servers.kafka_bootstrap_servers, "profiles.peer", lambda r: r.key == peer_id.encode())
    return [Envelope.from_bytes(r.value) for r in records]


async def test_a_peer_is_published_changed_paused_and_withdrawn_with_events_for_matching_and_notifications(
    servers: Servers, profiles: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    body = peer()
    surname = body["identity"]["last_name"] = f"Benali{uuid.uuid4().hex[:6]}"
    created = await profiles.post("/peers", json=body, headers=nantes.counsellor)
    assert created.status_code == 201, created.text
    record = created.json()
    peer_id = record["peer_id"]
    assert [s["start_month"] for s in record["path"]] == ["2014-09", "2019-09", "2020-09"]
    assert record["contact"]["email"].endswith("@example.org")

    found = await profiles.get("/peers", params={"job": "M18", "q": f"karim {surname}"}, headers=nantes.colleague)
    assert peer_id in [p["peer_id"] for p in found.json()]
    for other_job in ("M19", "1805", "D1107"):  # a prefix of a lived job code, nothing else
        elsewhere = await profiles.get("/peers", params={"job": other_job, "q": surname}, headers=nantes.colleague)
        assert elsewhere.status_code == 200 and elsewhere.json() == [], other_job
    changed = peer(offer={**PEER_EXAMPLE["offer"], "capacity_per_month": 5})
    changed["identity"] = record["contact"]
    updated = await profiles.put(f"/peers/{peer_id}", json=changed, headers=nantes.counsellor)
    assert updated.status_code == 200 and updated.json()["offer"]["capacity_per_month"] == 5
    paused = await profiles.post(f"/peers/{peer_id}/pause", json={"paused": True}, headers=nantes.counsellor)
    assert paused.json()["paused"] is True
    withdrawn = await profiles.post(
        f"/peers/{peer_id}/withdraw", json={"reason": "moved_away"}, headers=nantes.counsellor
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert peer_id not in (await profiles.get("/peers", params={"q": surname}, headers=nantes.counsellor)).text

    async def all_announced() -> bool:
        return len(await peer_events(servers, peer_id)) == 6

    await wait_until(all_announced, what="the peer's six events")
    events = await peer_events(servers, peer_id)
    assert [e.event_type for e in events] == [
        "profiles.peer.published",
        "profiles.peer.contact_changed",
        "profiles.peer.charter_requested",  # suggested once they accept it from the e-mail this sends
        "profiles.peer.updated",
        "profiles.peer.paused",
        "profiles.peer.withdrawn",
    ]
    published = events[0].payload
    assert [s["rome_code"] for s in published["path"]] == ["D1106", "M1805", "M1805"]
    assert published["path"][1]["transition"] == "imposed" and published["path"][0]["latitude"] == pytest.approx(
        47.21725
    )
    every = "".join(e.model_dump_json() for e in events)
    assert surname not in every and "example.org" not in every and "licenciement" not in every, "no name, contact, text"
    assert events[1].event_version == 2 and set(events[1].payload) == {"peer_id", "agency_id"}, "notifications fetches"


async def test_visibility_decides_who_may_read_a_peer(profiles: httpx.AsyncClient) -> None:
    mine, theirs = await agency(profiles, "Mission locale"), await agency(profiles, "Cap emploi")
    surname = f"Visible{uuid.uuid4().hex[:6]}"
    regional_body, private_body = peer(), peer(visibility="agency")
    for body in (regional_body, private_body):
        body["identity"]["last_name"] = surname
    regional = (await profiles.post("/peers", json=regional_body, headers=mine.counsellor)).json()
    private = (await profiles.post("/peers", json=private_body, headers=mine.counsellor)).json()

    seen = await profiles.get(f"/peers/{regional['peer_id']}", headers=theirs.counsellor)
    assert seen.status_code == 200 and seen.json()["contact"] is None, "another agency reads the path, not the contact"
    assert (await profiles.get(f"/peers/{private['peer_id']}", headers=theirs.counsellor)).status_code == 404
    listed = (await profiles.get("/peers", params={"q": surname}, headers=theirs.counsellor)).text
    assert regional["peer_id"] in listed and private["peer_id"] not in listed
    for write in (
        profiles.post(f"/peers/{regional['peer_id']}/pause", json={"paused": True}, headers=theirs.counsellor),
        profiles.post(f"/peers/{regional['peer_id']}/withdraw", json={}, headers=theirs.counsellor),
    ):
        assert (await write).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {
                "path": [
                    {
                        "kind": "job",
                        "rome_code": "M1805",
                        "start_month": "2021-05",
                        "end_month": "2020-01",
                        "transition": "chosen",
                    }
                ]
            },
            "end_month",
            "La fin précède le début",
        ),
        (
            {"path": [{"kind": "job", "rome_code": "X0000", "start_month": "2021-05", "transition": "chosen"}]},
            "rome_code",
            "Métier inconnu (code ROME X0000)",
        ),
        (
            {"path": [{"kind": "job", "start_month": "2021-05", "transition": "chosen"}]},
            "rome_code",
            "nomme son métier",
        ),
        ({"path": []}, "path", "au moins une étape"),
        ({"offer": {"meeting_modes": ["video"], "capacity_per_month": -1}}, "capacity_per_month", "entre 0 et"),
        ({"visibility": "region", "consent_to_region": False}, "consent_to_region", "consentement"),
        ({"identity": {"first_name": "A", "last_name": "B", "email": "nope"}}, "email", "e-mail"),
        (
            {"path": [{"kind": "training", "start_month": "2099-01", "transition": "chosen"}]},
            "start_month",
            "dans le futur",
        ),
    ],
)
async def test_bad_peer_input_is_answered_422_with_a_message_on_its_field(
    profiles: httpx.AsyncClient, change: dict[str, Any], field: str, words: str
) -> None:
    laval = await agency(profiles, "CIO")
    answer = await profiles.post("/peers", json=peer(**change), headers=laval.counsellor)
    assert answer.status_code == 422
    problems = [p for p in answer.json()["detail"] if field in p["loc"]]
    assert problems and words in problems[0]["msg"], answer.text


async def test_a_beneficiary_who_completed_their_path_becomes_a_peer(profiles: httpx.AsyncClient) -> None:
    nantes = await agency(profiles, "Mission locale")
    former = (await profiles.post("/beneficiaries", json=beneficiary(), headers=nantes.counsellor)).json()
    body = {
        "email": "ines@example.org",
        "offer": {"meeting_modes": ["video"]},
        "path": [
            {
                "kind": "immersion",
                "rome_code": "M1805",
                "start_month": "2025-03",
                "end_month": "2025-03",
                "transition": "chosen",
            }
        ],
    }
    url = f"/beneficiaries/{former['beneficiary_id']}/become-peer"
    assert (await profiles.post(url, json=body, headers=nantes.counsellor)).status_code == 409, "still accompanied"
    await profiles.post(
        f"/beneficiaries/{former['beneficiary_id']}/close", json={"outcome": "employment"}, headers=nantes.counsellor
    )
    became = await profiles.post(url, json=body, headers=nantes.counsellor)
    assert became.status_code == 201, became.text
    assert became.json()["kind"] == "former_beneficiary" and became.json()["first_name"] == "Inès"
    assert became.json()["path"][0]["kind"] == "immersion"
