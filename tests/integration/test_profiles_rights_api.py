"""Personal data rights on the running platform: export, erasure everywhere, consent expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from tests.conftest import Servers
from tests.integration.support import ServiceProcess, wait_until
from tests.integration.test_profiles_beneficiaries_api import agency, beneficiary
from tests.integration.test_profiles_peers_api import peer
from tests.integration.test_profiles_staff_api import as_operator

pytestmark = pytest.mark.integration


async def everything_in_profiles(servers: Servers, platform: dict[str, ServiceProcess]) -> str:
    """Every document of every collection of the profiles database, as text."""
    database = platform["profiles"].env["PARCOURS_MONGODB_DATABASE"]
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(servers.mongodb_uri)
    try:
        texts = []
        for name in await client[database].list_collection_names():
            texts += [repr(d) async for d in client[database][name].find({})]
        return "\n".join(texts)
    finally:
        await client.close()


async def test_an_erased_peer_leaves_no_personal_data_in_profiles_and_the_erasure_is_on_kafka(
    servers: Servers, profiles: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    nantes = await agency(profiles, "Mission locale")
    body = peer()
    body["identity"].update(first_name="Gwenaëlle", last_name="Kerbrat-Unique", phone="07 11 22 33 44")
    body["testimony"] = "Gwenaëlle raconte sa reconversion"
    created = (await profiles.post("/peers", json=body, headers=nantes.counsellor)).json()
    peer_id, email = created["peer_id"], created["contact"]["email"]
    exported = await profiles.get(f"/peers/{peer_id}/export", headers=nantes.counsellor)
    assert exported.status_code == 200 and exported.json()["peer"]["identity"]["email"] == email
    assert (
        await profiles.get(f"/peers/{peer_id}/export", headers=(await agency(profiles, "Autre")).counsellor)
    ).status_code == 404

    assert (await profiles.delete(f"/peers/{peer_id}", headers=nantes.counsellor)).status_code == 204
    assert (await profiles.get(f"/peers/{peer_id}", headers=nantes.counsellor)).status_code == 404
    assert (await profiles.delete(f"/peers/{peer_id}", headers=nantes.counsellor)).status_code == 404

    async def erasure_published() -> bool:
        records = await read_topic(
            servers.kafka_bootstrap_servers, "profiles.person", lambda r: r.key == peer_id.encode()
        )
        return any(Envelope.from_bytes(r.value).event_type == "profiles.person.erased" for r in records)

    await wait_until(erasure_published, what="the erasure event on Kafka")
    stored = await everything_in_profiles(servers, platform)
    assert peer_id in stored, "the tombstone keeps the id"
    for personal in ("Gwenaëlle", "Kerbrat-Unique", email, "07 11 22 33 44", "reconversion"):
        assert personal not in stored, f"{personal!r} is still in the profiles database"


async def test_erasing_a_beneficiary_also_erases_the_peer_they_became(
    servers: Servers, profiles: httpx.AsyncClient
) -> None:
    laval = await agency(profiles, "CIO")
    former = (await profiles.post("/beneficiaries", json=beneficiary(), headers=laval.counsellor)).json()
    beneficiary_id = former["beneficiary_id"]
    await profiles.post(
        f"/beneficiaries/{beneficiary_id}/close", json={"outcome": "employment"}, headers=laval.counsellor
    )
    became = (
        await profiles.post(
            f"/beneficiaries/{beneficiary_id}/become-peer",
            headers=laval.counsellor,
            json={
                "email": "former@example.org",
                "offer": {"meeting_modes": ["video"]},
                "path": [
                    {"kind": "unemployment", "start_month": "2024-01", "end_month": "2024-06", "transition": "imposed"}
                ],
            },
        )
    ).json()
    export = (await profiles.get(f"/beneficiaries/{beneficiary_id}/export", headers=laval.counsellor)).json()
    assert export["beneficiary"]["last_name"] == former["identity"]["last_name"]
    assert [p["_id"] for p in export["peer_profiles"]] == [became["peer_id"]]

    assert (await profiles.delete(f"/beneficiaries/{beneficiary_id}", headers=laval.counsellor)).status_code == 204
    assert (await profiles.get(f"/peers/{became['peer_id']}", headers=laval.counsellor)).status_code == 404

    async def both_erased() -> bool:
        records = await read_topic(
            servers.kafka_bootstrap_servers,
            "profiles.person",
            lambda r: r.key in (beneficiary_id.encode(), became["peer_id"].encode()),
        )
        return {Envelope.from_bytes(r.value).payload["person_kind"] for r in records} == {"beneficiary", "peer"}

    await wait_until(both_erased, what="two erasure events")


async def test_expired_consents_withdraw_peers_and_take_beneficiaries_out_of_matching(
    servers: Servers, profiles: httpx.AsyncClient
) -> None:
    mans = await agency(profiles, "Cap emploi")
    short = peer(consent_months=1)
    peer_id = (await profiles.post("/peers", json=short, headers=mans.counsellor)).json()["peer_id"]
    body = beneficiary()
    body["consent_months"] = 1
    beneficiary_id = (await profiles.post("/beneficiaries", json=body, headers=mans.counsellor)).json()[
        "beneficiary_id"
    ]

    soon = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    later = (datetime.now(UTC) + timedelta(days=45)).isoformat()
    nothing = await profiles.post("/operations/consent-expiry", params={"as_of": soon}, headers=as_operator())
    assert nothing.json() == {"peers_withdrawn": 0, "beneficiaries_left_matching": 0}, "not expired yet"
    ran = await profiles.post("/operations/consent-expiry", params={"as_of": later}, headers=as_operator())
    assert ran.json() == {"peers_withdrawn": 1, "beneficiaries_left_matching": 1}
    again = await profiles.post("/operations/consent-expiry", params={"as_of": later}, headers=as_operator())
    assert again.json() == {"peers_withdrawn": 0, "beneficiaries_left_matching": 0}, "idempotent"

    assert (await profiles.get(f"/peers/{peer_id}", headers=mans.counsellor)).json()["status"] == "withdrawn"
    record = (await profiles.get(f"/beneficiaries/{beneficiary_id}", headers=mans.counsellor)).json()
    assert record["matching_consent"] is False and record["status"] == "active"

    async def announced() -> bool:
        records = await read_topic(
            servers.kafka_bootstrap_servers, "profiles.beneficiary", lambda r: r.key == beneficiary_id.encode()
        )
        return any(not Envelope.from_bytes(r.value).payload.get("matching_consent", True) for r in records)

    await wait_until(announced, what="matching told that consent ended")
    assert (await profiles.post("/operations/consent-expiry", headers=mans.counsellor)).status_code in (401, 403)
