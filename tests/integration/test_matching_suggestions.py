"""Suggestions through Kafka: peers published in profiles reach matching's ranked lists, and leave them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from services.matching.app import MatchingSettings
from services.matching.rebuild import rebuild
from services.profiles.api.peer_models import PEER_EXAMPLE
from tests.conftest import Servers
from tests.integration.conftest import LINK_KEY
from tests.integration.support import ServiceProcess, accept_charter, wait_until
from tests.integration.test_matching_introductions import agency as agency_in
from tests.integration.test_profiles_beneficiaries_api import Agency, beneficiary
from tests.integration.test_profiles_peers_api import peer

pytestmark = pytest.mark.integration


# the agencies of these tests are in a region of their own (Bretagne), as in test_matching_introductions:
# beneficiaries other files register would take the peers' fair share of top lists first
REGION = "84"  # a region of its own: the console files' beneficiaries (53) no longer take its peers' share of top lists


async def agency(profiles: httpx.AsyncClient, name: str) -> Agency:
    return await agency_in(profiles, name, REGION)


async def matching_projection_capacity(
    servers: Servers, platform: dict[str, ServiceProcess], peer_id: str
) -> int | None:
    """The capacity matching holds for a peer: shows that an update has reached it."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_uri)
    try:
        database = platform["matching"].env["PARCOURS_MONGODB_DATABASE"]
        card = await client[database]["peer_cards"].find_one({"_id": peer_id})
        return None if card is None else int(card["capacity_per_month"])
    finally:
        await client.close()


async def test_a_peer_of_another_agency_is_suggested_when_visibility_allows_and_leaves_when_erased(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    surname = f"Suggestion{uuid.uuid4().hex[:6]}"

    async def publish(**changes: Any) -> str:
        body = peer(**changes)
        body["identity"]["last_name"] = surname
        created = await profiles.post("/peers", json=body, headers=theirs.counsellor)
        assert created.status_code == 201, created.text
        await accept_charter(profiles, created.json()["peer_id"])
        return str(created.json()["peer_id"])

    regional = await publish()
    private = await publish(visibility="agency")
    full = await publish(offer={"meeting_modes": ["in_person", "video"], "capacity_per_month": 0})
    person = (await profiles.post("/beneficiaries", json=beneficiary(), headers=mine.counsellor)).json()
    url = f"/beneficiaries/{person['beneficiary_id']}/suggestions"

    async def suggested() -> dict[str, Any]:
        answer = await matching.get(url, params={"limit": 50}, headers=mine.counsellor)
        return {s["peer_id"]: s for s in answer.json()} if answer.status_code == 200 else {}

    async def regional_arrived() -> bool:
        return regional in await suggested()

    await wait_until(regional_arrived, timeout=60, what="the region-wide peer in the suggestions")
    found = await suggested()
    assert private not in found, "an agency-only peer of another agency is never suggested"
    assert full not in found, "a peer at capacity is never suggested"
    reasons = found[regional]["reasons"]
    assert reasons[0].startswith("A exercé le métier visé") and any("reconverti" in r for r in reasons)
    assert set(found[regional]["breakdown"]) == {"job", "path", "place", "fit", "reliability"}

    assert (await matching.get(url, headers=theirs.counsellor)).status_code == 404, "another agency's beneficiary"
    assert (await matching.get(url)).status_code == 401

    assert (await profiles.delete(f"/peers/{regional}", headers=theirs.counsellor)).status_code == 204

    async def gone() -> bool:
        return regional not in await suggested()

    await wait_until(gone, timeout=30, what="the erased peer to leave the suggestions")


async def test_a_peer_is_announced_once_when_entering_a_top_list_not_on_every_update(
    servers: Servers, profiles: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    person = (
        await profiles.post("/beneficiaries", json=beneficiary(target_jobs=["M1805"]), headers=mine.counsellor)
    ).json()
    body = peer()
    body["identity"]["last_name"] = f"Annonce{uuid.uuid4().hex[:6]}"
    created = (await profiles.post("/peers", json=body, headers=theirs.counsellor)).json()
    peer_id = created["peer_id"]
    await accept_charter(profiles, peer_id)

    async def offers() -> list[Envelope]:
        records = await read_topic(
            servers.kafka_bootstrap_servers, "matching.suggestion", lambda r: r.key == person["beneficiary_id"].encode()
        )
        envelopes = map(Envelope.from_bytes, (r.value for r in records))
        return [
            e for e in envelopes if e.event_type == "matching.suggestion.offered" and e.payload["peer_id"] == peer_id
        ]

    async def offered() -> bool:
        return len(await offers()) == 1

    await wait_until(offered, timeout=60, what="matching.suggestion.offered for the new peer")
    first = (await offers())[0]
    assert first.payload["counsellor_id"] and first.tenant_id == mine.agency_id
    assert first.payload["reasons"][0].startswith("A exercé le métier visé")

    changed = peer(offer={"meeting_modes": ["in_person", "video"], "capacity_per_month": 4})
    changed["identity"] = created["contact"]
    assert (await profiles.put(f"/peers/{peer_id}", json=changed, headers=theirs.counsellor)).status_code == 200

    async def update_processed() -> bool:  # the update reached matching: its projection holds capacity 4
        status = await matching_projection_capacity(servers, platform, peer_id)
        return status == 4

    await wait_until(update_processed, timeout=60, what="the peer's update to reach matching")
    assert len(await offers()) == 1, "staying in the list is not announced again"


async def test_a_dismissed_peer_is_never_suggested_again_even_after_an_update(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    body = peer()
    body["identity"]["last_name"] = f"Ecarte{uuid.uuid4().hex[:6]}"
    created = (await profiles.post("/peers", json=body, headers=theirs.counsellor)).json()
    await accept_charter(profiles, created["peer_id"])
    person = (await profiles.post("/beneficiaries", json=beneficiary(), headers=mine.counsellor)).json()
    url = f"/beneficiaries/{person['beneficiary_id']}/suggestions"

    async def suggested() -> bool:
        answer = await matching.get(url, params={"limit": 50}, headers=mine.counsellor)
        if answer.status_code == 404:
            return False  # matching has not heard of the beneficiary yet
        assert answer.status_code == 200, answer.text
        return created["peer_id"] in {s["peer_id"] for s in answer.json()}

    await wait_until(suggested, timeout=60, what="the peer in the suggestions")
    dismiss = f"{url}/{created['peer_id']}/dismiss"
    assert (await matching.post(dismiss, headers=theirs.counsellor)).status_code == 404, "not their beneficiary"
    assert (await matching.post(dismiss, headers=mine.counsellor)).status_code == 204
    assert not await suggested()
    changed = peer(offer={"meeting_modes": ["in_person", "video"], "capacity_per_month": 6})
    changed["identity"] = created["contact"]
    await profiles.put(f"/peers/{created['peer_id']}", json=changed, headers=theirs.counsellor)
    assert not await suggested()


async def test_the_projections_are_rebuilt_from_the_topics_into_an_empty_database(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    person = (await profiles.post("/beneficiaries", json=beneficiary(), headers=mine.counsellor)).json()
    # room for this file's earlier beneficiaries too: a peer enters only a few lists per free slot
    roomy = peer(offer={**PEER_EXAMPLE["offer"], "capacity_per_month": 10})
    kept = (await profiles.post("/peers", json=roomy, headers=theirs.counsellor)).json()["peer_id"]
    erased = (await profiles.post("/peers", json=peer(), headers=theirs.counsellor)).json()["peer_id"]
    for accepting in (kept, erased):
        await accept_charter(profiles, accepting)
    assert (await profiles.delete(f"/peers/{erased}", headers=theirs.counsellor)).status_code == 204

    async def suggested() -> bool:
        answer = await matching.get(f"/beneficiaries/{person['beneficiary_id']}/suggestions", headers=mine.counsellor)
        return answer.status_code == 200 and kept in {s["peer_id"] for s in answer.json()}

    await wait_until(suggested, timeout=60, what="the live service to have seen everything")
    database = f"rebuild_{uuid.uuid4().hex[:6]}"
    settings = MatchingSettings(
        kafka_bootstrap_servers=servers.kafka_bootstrap_servers,
        mongodb_uri=servers.mongodb_uri,
        mongodb_database=database,
        link_signing_key=LINK_KEY,
    )
    counts = await rebuild(settings)
    assert counts["applied"] > 0 and counts["peers"] >= 1
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_uri)
    try:
        cards = client[database]["peer_cards"]
        assert (await cards.find_one({"_id": kept}) or {}).get("active") is True
        tombstone = await cards.find_one({"_id": erased})
        assert tombstone is not None and tombstone.get("erased") and "path" not in tombstone, "erasure replays too"
        listed = await client[database]["suggestion_lists"].find_one({"_id": person["beneficiary_id"]})
        assert listed is not None and kept in listed["peers"], "every list is ranked again"
    finally:
        await client.drop_database(database)
        await client.close()


async def test_dismissing_an_unknown_or_invisible_peer_is_a_404_and_announces_nothing(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    hidden = (await profiles.post("/peers", json=peer(visibility="agency"), headers=theirs.counsellor)).json()
    shown = (await profiles.post("/peers", json=peer(), headers=mine.counsellor)).json()
    for accepting in (hidden, shown):
        await accept_charter(profiles, accepting["peer_id"])
    person = (await profiles.post("/beneficiaries", json=beneficiary(), headers=mine.counsellor)).json()
    url = f"/beneficiaries/{person['beneficiary_id']}/suggestions"

    async def all_known() -> bool:
        known = [await matching_projection_capacity(servers, platform, p["peer_id"]) for p in (hidden, shown)]
        listed = await matching.get(url, headers=mine.counsellor)
        return None not in known and listed.status_code == 200

    await wait_until(all_known, timeout=60, what="matching to know the beneficiary and both peers")
    for peer_id in (f"p-{uuid.uuid4().hex}", hidden["peer_id"]):
        refused = await matching.post(f"{url}/{peer_id}/dismiss", headers=mine.counsellor)
        assert refused.status_code == 404, refused.text
        assert "inconnu" in refused.json()["detail"]
    assert (await matching.post(f"{url}/{shown['peer_id']}/dismiss", headers=mine.counsellor)).status_code == 204

    async def dismissals() -> list[str]:
        records = await read_topic(
            servers.kafka_bootstrap_servers,
            "matching.suggestion",
            lambda r: r.key == person["beneficiary_id"].encode() and b"dismissed" in (r.value or b""),
        )
        events = [Envelope.from_bytes(r.value) for r in records]
        return [e.payload["peer_id"] for e in events if e.event_type == "matching.suggestion.dismissed"]

    async def announced() -> bool:
        return bool(await dismissals())

    await wait_until(announced, timeout=30, what="the one allowed dismissal on Kafka")
    assert await dismissals() == [shown["peer_id"]], "the refused dismissals left no event before it"
