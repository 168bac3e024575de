"""An erased person leaves no readable name, e-mail or phone on any topic (every one read from its beginning
with a plain Kafka consumer) nor in any service's store; how long each store took is printed."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterable

import httpx
import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
from pymongo import AsyncMongoClient

from services.contracts.topics import all_topic_names
from services.kit.dead_letters import read_topic
from services.kit.internal_api import token_for
from tests.conftest import Servers
from tests.integration.conftest import LINK_KEY, SERVICES, Platform
from tests.integration.support import accept_charter, wait_until
from tests.integration.test_placements import convention, created
from tests.integration.test_profiles_beneficiaries_api import agency, beneficiary
from tests.integration.test_profiles_peers_api import peer

pytestmark = pytest.mark.integration


def a_phone() -> str:
    return "06 " + " ".join(f"{random.randint(0, 99):02d}" for _ in range(4))


def traces(name: str, email: str, phone: str) -> list[str]:
    """What would make the person readable: their unique last name, e-mail, phone (spaced or not)."""
    return [name, email, phone, phone.replace(" ", "")]


async def topics_holding(servers: Servers, words: Iterable[str]) -> dict[str, list[str]]:
    """Per topic, which of `words` some record holds (in its key, value or headers)."""
    wanted = [w.encode() for w in words]
    found: dict[str, list[str]] = {}
    for topic in all_topic_names():
        for record in await read_topic(servers.kafka_bootstrap_servers, topic):
            raw = (record.key or b"") + (record.value or b"") + b"".join(v for _, v in record.headers or ())
            for word in wanted:
                if word in raw:
                    found.setdefault(topic, []).append(word.decode())
    return found


async def stores_holding(client: AsyncMongoClient, platform: Platform, words: list[str]) -> set[str]:
    """The services whose database holds one of `words` in some document of any collection."""
    holding = set()
    for service in SERVICES:
        database = client[platform.env[service]["PARCOURS_MONGODB_DATABASE"]]
        for name in await database.list_collection_names():
            async for document in database[name].find():
                text = str(document)
                if any(word in text for word in words):
                    holding.add(f"{service}.{name}")
    return holding


async def test_an_erased_person_is_readable_on_no_topic_and_in_no_store(
    servers: Servers, whole_platform: Platform, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    tag = uuid.uuid4().hex[:8]
    peer_name, peer_email, peer_phone = f"Zephyrin{tag}", f"zephyrin.{tag}@example.org", a_phone()
    body = peer()
    body["identity"] |= {"last_name": peer_name, "email": peer_email, "phone": peer_phone}
    made = await profiles.post("/peers", json=body, headers=nantes.counsellor)
    assert made.status_code == 201, made.text
    peer_id = made.json()["peer_id"]
    await accept_charter(profiles, peer_id)

    person_name, person_email, person_phone = f"Quillard{tag}", f"quillard.{tag}@example.fr", a_phone()
    person_body = beneficiary()
    person_body["identity"] |= {"last_name": person_name, "phone": person_phone}
    answer = await profiles.post("/beneficiaries", json=person_body, headers=nantes.counsellor)
    assert answer.status_code == 201, answer.text
    person = answer.json()["beneficiary_id"]
    terms = convention(person)
    terms["beneficiary"] |= {"last_name": person_name, "email": person_email, "phone": person_phone}
    convention_id = (await created(placements, nantes, terms))["convention_id"]

    words = traces(peer_name, peer_email, peer_phone) + traces(person_name, person_email, person_phone)
    client: AsyncMongoClient = AsyncMongoClient(servers.mongodb_uri)
    try:
        notifications = client[whole_platform.env["notifications"]["PARCOURS_MONGODB_DATABASE"]]

        async def contacts_fetched() -> bool:  # notifications got them from their owners, not from the topics
            peer_contact = await notifications["peer_contacts"].find_one({"_id": peer_id})
            parties = await notifications["convention_contacts"].find_one({"_id": convention_id})
            return (
                peer_contact is not None
                and peer_contact.get("email") == peer_email
                and parties is not None
                and parties.get("contacts", {}).get("beneficiary", {}).get("email") == person_email
            )

        await wait_until(contacts_fetched, timeout=60, what="notifications to fetch the contact points")
        on_topics = await topics_holding(servers, words)
        assert not on_topics, f"contact data travel on the topics: {on_topics}"

        seen = await stores_holding(client, whole_platform, words)
        assert {"profiles.peers", "notifications.peer_contacts", "placements.conventions"} <= seen, seen
        started = time.monotonic()
        assert (await profiles.delete(f"/peers/{peer_id}", headers=nantes.counsellor)).status_code == 204
        assert (await profiles.delete(f"/beneficiaries/{person}", headers=nantes.counsellor)).status_code == 204
        cleaned_after: dict[str, float] = {}

        async def every_store_clean() -> bool:
            now = await stores_holding(client, whole_platform, words)
            for store in seen - now:
                cleaned_after.setdefault(store, time.monotonic() - started)
            seen.update(now)
            return not now

        await wait_until(every_store_clean, timeout=60, what="every store to forget the person")
        on_topics = await topics_holding(servers, words)
        topics_checked_after = time.monotonic() - started
        assert not on_topics, f"an erased person is still readable on {on_topics}"
        print("\nerasure, seconds until each store no longer held the person:")
        for store, seconds in sorted(cleaned_after.items(), key=lambda item: item[1]):
            print(f"  {store:45} {seconds:6.2f}")
        print(f"  {'every topic read from its beginning':45} {topics_checked_after:6.2f}")
    finally:
        await client.close()


def test_every_topic_keeps_its_records_for_the_retention_setting(servers: Servers, whole_platform: Platform) -> None:
    """The topics existed before the services started (the session made them without a retention): the
    services' start-up set it on each."""
    week_ms = str(7 * 86_400_000)
    admin = KafkaAdminClient(bootstrap_servers=servers.kafka_bootstrap_servers)
    try:
        resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in all_topic_names()]
        described = admin.describe_configs(resources)
    finally:
        admin.close()
    topics = next(iter(described.values()))
    retention = {name: topics[name]["retention.ms"]["value"] for name in all_topic_names()}
    assert retention == dict.fromkeys(all_topic_names(), week_ms)


async def test_the_internal_routes_answer_only_the_service_they_serve(
    profiles: httpx.AsyncClient, placements: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    unknown = str(uuid.uuid4())
    for client, path, callers in (
        # matching shows a peer's chosen contact point to the beneficiary's counsellor
        (profiles, f"/internal/peers/{unknown}/contact", {"notifications", "matching"}),
        (profiles, f"/internal/staff/{unknown}/contact", {"notifications"}),
        (profiles, f"/internal/beneficiaries/{unknown}/guardian?agency_id={nantes.agency_id}", {"notifications"}),
        (placements, f"/internal/conventions/{unknown}/contacts", {"notifications"}),
        (matching, f"/internal/introductions/{unknown}/meeting", {"notifications"}),
    ):
        assert (await client.get(path)).status_code == 401
        assert (await client.get(path, headers=nantes.counsellor)).status_code == 401, "a staff token is no service's"
        for service in ("profiles", "matching", "placements", "notifications"):
            service_token = {"Authorization": f"Bearer {token_for(LINK_KEY, service)}"}
            expected = 404 if service in callers else 403
            assert (await client.get(path, headers=service_token)).status_code == expected, (path, service)
