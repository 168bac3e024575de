"""Testimonies on the running platform (real Kafka and database): a video uploaded and its type read from
its content, a fake refused, watched by ranges, shared by a link opened without signing in, and gone from
every store within 10 seconds of the peer's erasure or of their consent's withdrawal."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.contracts.links import PEER_PROFILE
from services.profiles.adapters.media import MediaStore, TooLarge
from services.profiles.domain.byte_ranges import ByteRange
from tests.conftest import Servers
from tests.integration.conftest import LINK_KEY, Platform
from tests.integration.support import ServiceProcess, wait_until
from tests.integration.test_profiles_beneficiaries_api import beneficiary
from tests.integration.testimonies_support import VIDEO, agency, peer, streamed, uploaded, video_testimony

pytestmark = pytest.mark.integration


@pytest.fixture
async def console(platform: dict[str, ServiceProcess]) -> Any:
    async with httpx.AsyncClient(base_url=platform["console"].url, timeout=30) as client:
        yield client


async def test_a_video_is_uploaded_checked_from_its_content_and_read_by_ranges(
    profiles: httpx.AsyncClient, console: httpx.AsyncClient
) -> None:
    moulins, vichy, elsewhere = await agency(profiles), await agency(profiles), await agency(profiles, "84")
    peer_id = await peer(profiles, moulins)

    refused = await profiles.post(f"/peers/{peer_id}/testimonies", json=video_testimony(), headers=moulins.counsellor)
    assert refused.status_code == 409 and refused.json()["code"] == "testimony_consent_missing"
    assert (
        await profiles.post(f"/peers/{peer_id}/testimony-consent", json={"given": True}, headers=moulins.counsellor)
    ).status_code == 200
    unsubtitled = await profiles.post(
        f"/peers/{peer_id}/testimonies",
        json=video_testimony(subtitles="00:00 pas du WebVTT"),
        headers=moulins.counsellor,
    )
    assert unsubtitled.status_code == 422 and unsubtitled.json()["field"] == "subtitles"
    assert "WEBVTT" in unsubtitled.json()["message"]
    created = await profiles.post(f"/peers/{peer_id}/testimonies", json=video_testimony(), headers=moulins.counsellor)
    testimony_id = created.json()["testimony_id"]

    fake = await profiles.put(  # named and declared as a video, it is text
        f"/testimonies/{testimony_id}/media",
        content=b"Ceci n'est pas une video, seulement un texte nomme temoignage.mp4" * 100,
        headers={
            **moulins.counsellor,
            "Content-Type": "video/mp4",
            "Content-Disposition": 'attachment; filename="t.mp4"',
        },
    )
    assert fake.status_code == 415, fake.text
    assert fake.json()["field"] == "media" and "vidéo" in fake.json()["message"]

    stored = await profiles.put(
        f"/testimonies/{testimony_id}/media",
        content=streamed(VIDEO.read_bytes(), 8192),
        headers={**moulins.counsellor, "Content-Type": "text/plain"},
    )
    assert stored.status_code == 200, stored.text
    record = stored.json()
    assert record["stage"] == "ready" and record["media"] == {
        "container": "WebM",
        "content_type": "video/webm",
        "length": VIDEO.stat().st_size,
    }
    assert record["labels"]["jobs"]["M1805"]

    # browsing by job: the agency, and another of the region (the peer is seen region-wide), not another region
    for caller, sees in ((moulins, True), (vichy, True), (elsewhere, False)):
        listed = await profiles.get("/testimonies", params={"job": "M1805"}, headers=caller.counsellor)
        assert listed.status_code == 200
        assert (testimony_id in [t["testimony_id"] for t in listed.json()]) is sees
    hidden = await profiles.get(f"/testimonies/{testimony_id}", headers=elsewhere.counsellor)
    assert hidden.status_code == 404 and hidden.json()["code"] == "testimony_not_found"

    # a player's range, straight and through the console
    watch = (await profiles.get(f"/testimonies/{testimony_id}", headers=vichy.counsellor)).json()["watch"]
    data = VIDEO.read_bytes()
    for client, prefix in ((profiles, ""), (console, "/api/profiles")):
        part = await client.get(prefix + watch["media"], headers={"Range": "bytes=1000-4999"})
        assert part.status_code == 206, part.text
        assert part.headers["content-range"] == f"bytes 1000-4999/{len(data)}"
        assert part.headers["accept-ranges"] == "bytes" and part.headers["content-type"] == "video/webm"
        assert part.content == data[1000:5000]
        tail = await client.get(prefix + watch["media"], headers={"Range": "bytes=-100"})
        assert tail.status_code == 206 and tail.content == data[-100:]
        outside = await client.get(prefix + watch["media"], headers={"Range": f"bytes={len(data)}-"})
        assert outside.status_code == 416 and outside.headers["content-range"] == f"bytes */{len(data)}"
        assert outside.json()["code"] == "range_not_satisfiable"
        whole = await client.get(prefix + watch["media"])
        assert whole.status_code == 200 and whole.content == data
    subtitles = await profiles.get(watch["subtitles"])
    assert subtitles.headers["content-type"].startswith("text/vtt") and subtitles.text.startswith("WEBVTT")


async def test_an_upload_streams_through_the_console(console: httpx.AsyncClient, profiles: httpx.AsyncClient) -> None:
    moulins = await agency(profiles)
    record = await uploaded(console, moulins, await peer(profiles, moulins), prefix="/api/profiles")
    assert record["media"]["length"] == VIDEO.stat().st_size


async def stored_pieces(servers: Servers, platform: Platform, peer_id: str, testimony_id: str) -> dict[str, int]:
    """Every piece of a testimony in profiles' database: its description, consent, shares, file and chunks."""
    client: AsyncMongoClient[Any] = AsyncMongoClient(servers.mongodb_uri)
    try:
        db = client[platform.env["profiles"]["PARCOURS_MONGODB_DATABASE"]]
        return {
            "testimonies": await db["testimonies"].count_documents({"peer_id": peer_id}),
            "consents": await db["testimony_consents"].count_documents({"_id": peer_id}),
            "shares": await db["testimony_shares"].count_documents({"peer_id": peer_id}),
            "files": await db["testimony_media.files"].count_documents({"_id": testimony_id}),
            "chunks": await db["testimony_media.chunks"].count_documents({"files_id": testimony_id}),
        }
    finally:
        await client.close()


async def gone(servers: Servers, platform: Platform, peer_id: str, testimony_id: str) -> float:
    """Waits (10 s at most) until no piece of the testimony is stored; the seconds it took."""
    started = time.monotonic()

    async def nothing_left() -> bool:
        return not any((await stored_pieces(servers, platform, peer_id, testimony_id)).values())

    await wait_until(nothing_left, timeout=10, what="every piece of the testimony to be deleted")
    return time.monotonic() - started


async def shared_link(profiles: httpx.AsyncClient, testimony_id: str, at: Any) -> str:
    registered = await profiles.post("/beneficiaries", json=beneficiary(), headers=at.counsellor)
    assert registered.status_code == 201, registered.text
    share = await profiles.post(
        f"/testimonies/{testimony_id}/shares",
        json={"beneficiary_id": registered.json()["beneficiary_id"], "days": 7},
        headers=at.counsellor,
    )
    assert share.status_code == 201, share.text
    assert share.json()["page"].startswith("/links/testimonies/")
    return str(share.json()["token"])


async def test_a_share_link_opens_without_sign_in_and_everything_goes_within_10_s_of_the_erasure(
    servers: Servers, whole_platform: Platform, profiles: httpx.AsyncClient, console: httpx.AsyncClient
) -> None:
    moulins = await agency(profiles)
    peer_id = await peer(profiles, moulins)
    testimony_id = (await uploaded(profiles, moulins, peer_id))["testimony_id"]
    token = await shared_link(profiles, testimony_id, moulins)

    opened = await console.get(f"/api/profiles/links/testimonies/{token}")  # no sign-in
    assert opened.status_code == 200, opened.text
    shown = opened.json()
    assert shown["title"] == "De la vente au développement web" and "peer_id" not in shown
    assert (
        await console.get("/api/profiles" + shown["watch"]["media"], headers={"Range": "bytes=0-99"})
    ).status_code == 206
    page = await console.get(f"/links/testimonies/{token}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'lang="fr"' in page.text
    altered = await console.get(f"/api/profiles/links/testimonies/{token[:-4]}AAAA")
    assert altered.status_code == 403 and altered.json()["code"] == "link_invalid"
    assert await stored_pieces(servers, whole_platform, peer_id, testimony_id) == {
        "testimonies": 1, "consents": 1, "shares": 1, "files": 1, "chunks": 1,
    }  # fmt: skip

    erased = await profiles.delete(f"/peers/{peer_id}", headers=moulins.counsellor)
    assert erased.status_code == 204
    print(f"\ntestimony erased from every store in {await gone(servers, whole_platform, peer_id, testimony_id):.2f} s")
    dead = await console.get(f"/api/profiles/links/testimonies/{token}")
    assert dead.status_code == 410 and dead.json()["code"] == "testimony_gone"
    assert (await console.get("/api/profiles" + shown["watch"]["media"])).status_code == 410


async def test_the_peer_withdraws_their_consent_from_their_link_and_every_testimony_goes_at_once(
    servers: Servers, whole_platform: Platform, profiles: httpx.AsyncClient
) -> None:
    moulins = await agency(profiles)
    peer_id = await peer(profiles, moulins)
    link = PEER_PROFILE.token(LINK_KEY, peer_id, PEER_PROFILE.expires_at(datetime.now(UTC)))
    written = await profiles.post(
        f"/links/peers/{link}/testimonies",
        json={"format": "text", "title": "Mon apprentissage", "jobs": ["D1102"], "text": "J'ai appris le métier."},
    )
    assert written.status_code == 201 and written.json()["stage"] == "ready" and written.json()["added_by"] == "peer"
    testimony_id = (await uploaded(profiles, moulins, peer_id))["testimony_id"]
    token = await shared_link(profiles, testimony_id, moulins)
    mine = await profiles.get(f"/links/peers/{link}/testimonies")
    assert len(mine.json()) == 2
    exported = await profiles.get(f"/peers/{peer_id}/export", headers=moulins.counsellor)
    assert sorted(t["format"] for t in exported.json()["testimonies"]) == ["text", "video"]

    withdrawn = await profiles.post(f"/links/peers/{link}/testimony-consent", json={"given": False})
    assert withdrawn.status_code == 200 and withdrawn.json()["testimonies_deleted"] == 2
    assert not any((await stored_pieces(servers, whole_platform, peer_id, testimony_id)).values())
    assert (await profiles.get(f"/links/testimonies/{token}")).status_code == 410
    again = await profiles.post(f"/peers/{peer_id}/testimonies", json=video_testimony(), headers=moulins.counsellor)
    assert again.status_code == 409  # the counsellor must record a new consent first


async def test_a_range_reads_only_the_chunks_that_hold_it(servers: Servers) -> None:
    """The store itself on the database, with small chunks: ranges across chunk boundaries come back exact."""
    client: AsyncMongoClient[Any] = AsyncMongoClient(servers.mongodb_uri)
    store = MediaStore(client[f"testimony_chunks_{uuid.uuid4().hex[:6]}"], chunk_bytes=1000)
    data = bytes(range(256)) * 40  # 10,240 bytes: 11 chunks

    try:
        assert await store.store("f", streamed(data, 777), 20_000, {}) == len(data)
        assert await store.count("f") == 1 + 11
        for first, last in ((0, 0), (999, 1000), (1500, 4321), (9000, 10_239), (0, 10_239)):
            read = b"".join([piece async for piece in store.read("f", ByteRange(first, last, len(data)), 1000)])
            assert read == data[first : last + 1], (first, last)
        with pytest.raises(TooLarge):
            await store.store("g", streamed(data, 777), 5000, {})
        assert await store.count("g") == 0  # nothing of a refused upload stays
        await store.delete("f")
        assert await store.count("f") == 0
    finally:
        await client.drop_database(store.files.database.name)
        await client.close()


async def test_a_withdrawn_peer_s_testimonies_go_within_10_s(
    servers: Servers, whole_platform: Platform, profiles: httpx.AsyncClient
) -> None:
    moulins = await agency(profiles)
    peer_id = await peer(profiles, moulins)
    testimony_id = (await uploaded(profiles, moulins, peer_id))["testimony_id"]
    token = await shared_link(profiles, testimony_id, moulins)
    withdrawn = await profiles.post(
        f"/peers/{peer_id}/withdraw", json={"reason": "by_request"}, headers=moulins.counsellor
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (await profiles.get(f"/links/testimonies/{token}")).status_code == 410  # at once
    print(f"\nwithdrawn peer's testimony deleted in {await gone(servers, whole_platform, peer_id, testimony_id):.2f} s")
