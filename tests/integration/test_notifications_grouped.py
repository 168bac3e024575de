"""Notifications for acting, on the running platform (real Kafka and database): a beneficiary's new peers of
one day make one notification that counts them and names the beneficiary ("3 nouveaux pairs pour Hugo
François"), which grows, becomes unread again and comes again on the live stream as the same
notification; another beneficiary has their own; the names come from profiles as notifications are shown,
so an erased beneficiary's name is gone at once, and none is stored by notifications or put on a topic.
In Chromium, the counsellor's notification area shows the groups and a group growing live."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, expect
from pymongo import AsyncMongoClient

from services.kit.dead_letters import read_topic
from services.kit.internal_api import token_for
from tests.conftest import Servers
from tests.integration import test_console as console_pages
from tests.integration import test_notifications as notification_tests
from tests.integration.conftest import LINK_KEY
from tests.integration.support import ServiceProcess, accept_charter, wait_until
from tests.integration.test_console import Team, accessible, as_agency, shoot, signed_in, team
from tests.integration.test_notifications import Browser as LiveStream
from tests.integration.test_placements import new_beneficiary
from tests.integration.test_profiles_beneficiaries_api import Agency
from tests.integration.test_profiles_peers_api import peer

pytestmark = pytest.mark.integration

# the console's browser and address, and a client of the notifications service: other files' fixtures
browser = console_pages.browser
console = console_pages.console
notifications = notification_tests.notifications

REGION = "02"  # a region of its own: no other file's peers or beneficiaries share its top lists
PEERS = [("Léa", "apprentice"), ("Karim", "professional"), ("Inès", "student"), ("Paul", "mentor")]


async def publish(profiles: httpx.AsyncClient, owner: Agency, first_name: str, kind: str) -> str:
    """A peer only the agency sees (so that this file's agencies never share peers), on the job the
    beneficiaries want."""
    body = peer(kind=kind, visibility="agency", consent_to_region=False)
    body["identity"] = {**body["identity"], "first_name": first_name, "last_name": "Exemple"}
    created = await profiles.post("/peers", json=body, headers=owner.counsellor)
    assert created.status_code == 201, created.text
    await accept_charter(profiles, created.json()["peer_id"])
    return str(created.json()["peer_id"])


async def suggestions_for(notifications: httpx.AsyncClient, owner: Agency, beneficiary_id: str) -> list[dict[str, Any]]:
    answer = await notifications.get("/inbox", params={"limit": 200}, headers=owner.counsellor)
    assert answer.status_code == 200, answer.text
    return [n for n in answer.json() if n["kind"] == "suggestion" and n["beneficiary_id"] == beneficiary_id]


async def grouped(notifications: httpx.AsyncClient, owner: Agency, beneficiary_id: str, title: str) -> dict[str, Any]:
    """The beneficiary's one suggestion notification, once its title reads `title`."""
    found: list[dict[str, Any]] = []

    async def arrived() -> bool:
        nonlocal found
        found = await suggestions_for(notifications, owner, beneficiary_id)
        return any(n["title"] == title for n in found)

    await wait_until(arrived, timeout=90, what=f"the notification {title!r}")
    assert len(found) == 1, f"one notification per beneficiary and day: {[n['title'] for n in found]}"
    return found[0]


async def test_a_beneficiarys_new_peers_of_a_day_make_one_named_notification_that_grows_live(
    servers: Servers,
    profiles: httpx.AsyncClient,
    notifications: httpx.AsyncClient,
    platform: dict[str, ServiceProcess],
) -> None:
    nantes = as_agency(await team(profiles, "Mission locale", REGION))
    for first_name, kind in PEERS[:3]:
        await publish(profiles, nantes, first_name, kind)
    hugo = await new_beneficiary(profiles, nantes, first_name="Hugo", last_name="François")
    first = await grouped(notifications, nantes, hugo, "3 nouveaux pairs pour Hugo François")
    assert first["read"] is False and first["peer_ids"] and len(first["peer_ids"]) == 3
    assert re.match(r"^(Léa \(apprenti\)|Karim \(professionnel\)|Inès \(étudiant\))", first["body"]), first["body"]
    assert first["url"].endswith(f"/console/suggestions/{hugo}")

    # another beneficiary: a notification of their own
    ines = await new_beneficiary(profiles, nantes, first_name="Inès", last_name="Garnier")
    theirs = await grouped(notifications, nantes, ines, "3 nouveaux pairs pour Inès Garnier")
    assert theirs["notification_id"] != first["notification_id"]

    # read, then one more peer: the same notification, counting 4, unread again and pushed live once more
    marked = await notifications.post(f"/inbox/{first['notification_id']}/read", headers=nantes.counsellor)
    assert marked.status_code == 200 and marked.json()["read"] is True
    unread_before = (await notifications.get("/inbox/unread-count", headers=nantes.counsellor)).json()["unread"]
    base = str(notifications.base_url).rstrip("/")
    async with LiveStream(base, nantes.counsellor) as live:
        await publish(profiles, nantes, *PEERS[3])
        grown = await grouped(notifications, nantes, hugo, "4 nouveaux pairs pour Hugo François")

        async def pushed() -> bool:
            return any(e["notification_id"] == first["notification_id"] for e in live.events)

        await wait_until(pushed, timeout=30, what="the grown notification on the live stream")
    [frame] = [e for e in live.events if e["notification_id"] == first["notification_id"]]
    assert frame["title"] == "4 nouveaux pairs pour Hugo François", "the frame is named as it leaves"
    assert frame["sequence"] != first["sequence"], "a browser that reconnects resumes after the growth"
    assert grown["notification_id"] == first["notification_id"] and grown["read"] is False
    unread = (await notifications.get("/inbox/unread-count", headers=nantes.counsellor)).json()["unread"]
    assert unread == unread_before + 1, "unread again, not a second notification"
    assert "Paul (mentor)" in grown["body"] or "et 1 autre" in grown["body"]

    # no name in notifications' store nor on the delivery topic: ids only
    stored = await entries_of(servers, platform, first["notification_id"])
    assert stored["peer_ids"] == grown["peer_ids"] and stored["beneficiary_id"] == hugo
    assert "François" not in repr(stored) and "Léa" not in repr(stored)
    delivered = await delivery_records(servers, first["notification_id"])
    assert delivered and not any(b"Fran" in r or b"L\\u00e9a" in r or "Léa".encode() in r for r in delivered)

    # erased: the name goes from the notification at once, the count stays
    assert (await profiles.delete(f"/beneficiaries/{hugo}", headers=nantes.counsellor)).status_code == 204
    [after] = await suggestions_for(notifications, nantes, hugo)
    assert after["title"] == "4 nouveaux pairs pour un de vos bénéficiaires"
    assert "François" not in after["body"]
    [other] = await suggestions_for(notifications, nantes, ines)
    assert other["title"].endswith("pour Inès Garnier")


async def test_profiles_names_only_the_people_the_reader_may_see(profiles: httpx.AsyncClient) -> None:
    nantes, angers = as_agency(await team(profiles, "Mission locale", REGION)), await team(profiles, "CIO", REGION)
    karim = await publish(profiles, nantes, "Karim", "professional")
    hugo = await new_beneficiary(profiles, nantes, first_name="Hugo", last_name="François")
    asked = {"beneficiary_ids": [hugo], "peer_ids": [karim]}
    service = {"Authorization": f"Bearer {token_for(LINK_KEY, 'notifications')}"}

    async def names_for(reader: dict[str, str]) -> dict[str, Any]:
        staff_id = (await profiles.get("/auth/me", headers=reader)).json()["staff_id"]
        answer = await profiles.post("/internal/names", json={**asked, "staff_id": staff_id}, headers=service)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    assert await names_for(nantes.counsellor) == {
        "beneficiaries": {hugo: "Hugo François"},
        "peers": {karim: {"first_name": "Karim", "kind": "professional"}},
    }
    assert await names_for(angers.counsellor.headers) == {"beneficiaries": {}, "peers": {}}, "another agency's"
    refused = await profiles.post("/internal/names", json={**asked, "staff_id": "x"}, headers=nantes.counsellor)
    assert refused.status_code == 401, "a person's token is not a service's"


async def entries_of(servers: Servers, platform: dict[str, ServiceProcess], entry_id: str) -> dict[str, Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_uri)
    try:
        database = platform["notifications"].env["PARCOURS_MONGODB_DATABASE"]
        found = await client[database]["staff_inbox"].find_one({"_id": entry_id})
        assert found is not None
        return found
    finally:
        await client.close()


async def delivery_records(servers: Servers, entry_id: str) -> list[bytes]:
    records = await read_topic(
        servers.kafka_bootstrap_servers, "notifications.delivery", lambda r: r.key == entry_id.encode()
    )
    return [r.value or b"" for r in records]


async def test_the_counsellors_notification_area_shows_one_named_item_per_beneficiary_and_grows_live(
    browser: Browser, console: str, profiles: httpx.AsyncClient, notifications: httpx.AsyncClient
) -> None:
    members: Team = await team(profiles, "Mission locale", REGION)
    owner = as_agency(members)
    for first_name, kind in PEERS[:2]:
        await publish(profiles, owner, first_name, kind)
    hugo = await new_beneficiary(profiles, owner, first_name="Hugo", last_name="François")
    await grouped(notifications, owner, hugo, "2 nouveaux pairs pour Hugo François")
    camille = await new_beneficiary(profiles, owner, first_name="Camille", last_name="Roux")
    await grouped(notifications, owner, camille, "2 nouveaux pairs pour Camille Roux")

    page = await signed_in(browser, console, members.counsellor)
    await expect(page.locator("#unread")).to_have_text("2")
    await publish(profiles, owner, *PEERS[2])
    toast = page.locator("#toasts .toast").filter(has_text="3 nouveaux pairs pour Hugo François").first
    await expect(toast).to_be_visible(timeout=60_000)
    await grouped(notifications, owner, camille, "3 nouveaux pairs pour Camille Roux")
    await expect(page.locator("#unread")).to_have_text("2")  # grown, not added to
    await page.locator("#bell").click()
    panel = page.locator("#inbox-panel")
    await expect(panel.get_by_role("link", name="3 nouveaux pairs pour Hugo François")).to_have_count(1)
    await expect(panel.get_by_role("link", name="3 nouveaux pairs pour Camille Roux")).to_have_count(1)
    await expect(panel.get_by_text("Léa (apprenti)").first).to_be_visible()
    await expect(panel.get_by_role("link", name=re.compile("Nouvelle suggestion|Bénéficiaire"))).to_have_count(0)
    await shoot(page, "notifications-grouped")
    await accessible(page)
    await panel.get_by_role("link", name="3 nouveaux pairs pour Hugo François").click()
    await expect(page).to_have_url(re.compile(f"/console/beneficiaries/{hugo}"))
    await expect(page.locator("#unread")).to_have_text("1")
    await page.context.close()
