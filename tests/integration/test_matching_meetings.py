"""From a peer's yes to a meeting, on the running platform: the peer chooses how they are reached (shown to
the beneficiary's counsellor only, never on the topics), either side proposes dated slots and the other
picks one, both get a French e-mail with a real iCalendar invitation, a reminder the day before, a
cancellation that updates calendars; and an erasure forgets the contact choice and the slots."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Servers
from tests.integration.support import wait_until
from tests.integration.test_matching_introductions import (
    agency,
    introduction_events,
    known_beneficiary,
    link,
    wait_suggested,
)
from tests.integration.test_profiles_beneficiaries_api import Agency
from tests.integration.test_profiles_peers_api import peer

pytestmark = pytest.mark.integration

# a region of their own: other files' beneficiaries would take these peers' fair share of top lists
REGION = "44"


async def reachable_peer(profiles: httpx.AsyncClient, owner: Agency) -> tuple[str, dict[str, Any]]:
    body = peer(
        offer={"meeting_modes": ["in_person", "video"], "company_visits": True, "capacity_per_month": 3},
    )
    body["identity"] = {**copy.deepcopy(body["identity"]), "phone": "06 12 34 56 78"}
    created = await profiles.post("/peers", json=body, headers=owner.counsellor)
    assert created.status_code == 201, created.text
    return str(created.json()["peer_id"]), body["identity"]


async def accepted_introduction(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient, contact: str = "platform", purpose: str = "job_inquiry"
) -> tuple[Agency, Agency, dict[str, Any], dict[str, Any]]:
    """Two agencies, a peer of the first introduced to a beneficiary of the second, who accepted."""
    theirs = await agency(profiles, "Cap emploi", REGION)
    mine = await agency(profiles, "Mission locale", REGION)
    peer_id, identity = await reachable_peer(profiles, theirs)
    beneficiary_id = await known_beneficiary(profiles, matching, mine)
    await wait_suggested(matching, mine, beneficiary_id, peer_id)
    created = await matching.post(
        f"/beneficiaries/{beneficiary_id}/introductions",
        json={"peer_id": peer_id, "purpose": purpose},
        headers=mine.counsellor,
    )
    assert created.status_code == 201, created.text
    introduction = created.json()
    answer = await matching.post(f"{link(introduction)}/answer", json={"accept": True, "contact": contact})
    assert answer.status_code == 200, answer.text
    return theirs, mine, introduction, identity


async def test_the_peer_chooses_how_to_be_reached_and_only_the_counsellor_reads_it(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine, introduction, identity = await accepted_introduction(profiles, matching, contact="email")
    url = f"/introductions/{introduction['introduction_id']}"
    seen = (await matching.get(url, headers=mine.counsellor)).json()
    assert seen["contact_channel"] == "email" and seen["contact"]["email"] == identity["email"]
    assert seen["contact"]["phone"] is None, "only the way the peer chose"
    assert (await matching.get(link(introduction))).json()["contact_channel"] == "email"

    colleague = (await matching.get(url, headers=mine.colleague)).json()
    assert colleague["contact_channel"] == "email" and colleague["contact"] is None, "not their beneficiary"
    assert (await matching.get(url, headers=theirs.counsellor)).status_code == 404
    listed = await matching.get("/introductions", headers=mine.counsellor)
    assert all(i["contact"] is None for i in listed.json()), "no address in lists"

    changed = await matching.post(f"{link(introduction)}/contact", json={"channel": "phone"})
    assert changed.status_code == 200 and changed.json()["contact_channel"] == "phone"
    seen = (await matching.get(url, headers=mine.counsellor)).json()
    assert seen["contact"]["phone"] == identity["phone"] and seen["contact"]["email"] is None
    platform = await matching.post(f"{link(introduction)}/contact", json={"channel": "platform"})
    assert platform.status_code == 200
    seen = (await matching.get(url, headers=mine.counsellor)).json()
    contact = seen["contact"]
    assert contact["email"] is None and contact["phone"] is None and "plateforme" in contact["note"]
    wrong = await matching.post(f"{link(introduction)}/contact", json={"channel": "pigeon"})
    assert wrong.status_code == 422

    async def chosen_twice() -> bool:
        steps = [e.event_type for e in await introduction_events(servers, introduction["introduction_id"])]
        return steps.count("matching.introduction.contact_chosen") == 2

    await wait_until(chosen_twice, timeout=30, what="one event per change of contact")
    for envelope in await introduction_events(servers, introduction["introduction_id"]):
        text = envelope.model_dump_json()
        assert identity["email"] not in text and "56 78" not in text and "phone" not in text, envelope.event_type


async def test_an_unknown_introduction_link_cannot_choose_a_contact(matching: httpx.AsyncClient) -> None:
    forged = f"/links/introductions/{uuid.uuid4().hex}/contact"
    assert (await matching.post(forged, json={"channel": "email"})).status_code == 403
