"""Tokens on the running platform: forged tokens refused without a fetch of the keys per request, a closed
account's tokens refused everywhere within seconds (its live stream ended, its refresh token revoked),
the live stream opened with a single-use ticket instead of the API token, short-lived access tokens
with a rotating refresh token, and rate limits on signing in and on secure links, shared by instances."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from services.kit import links
from services.profiles.adapters.tokens import generate_private_key_pem
from tests.conftest import free_port
from tests.integration.conftest import LINK_KEY, Platform
from tests.integration.support import ServiceProcess, wait_until
from tests.integration.test_profiles_staff_api import PASSWORD, as_operator, bearer, login, new_agency, new_staff

pytestmark = pytest.mark.integration
STRANGER = generate_private_key_pem()
CHECKED = ("matching", "placements", "notifications", "console")


def forged(kid: str | None) -> str:
    """Well-formed, with the right issuer and audience, but signed by a key of nobody's."""
    now = datetime.now(UTC)
    claims = {
        "sub": "intruder",
        "iss": "parcours-profiles",
        "aud": "parcours",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "agency_id": "a",
        "roles": ["counsellor"],
    }
    return jwt.encode(claims, STRANGER, algorithm="RS256", headers={"kid": kid} if kid else {})


async def jwks_fetches(instances: list[ServiceProcess]) -> float:
    async with httpx.AsyncClient(timeout=10) as http:
        lines = [line for p in instances for line in (await http.get(f"{p.url}/metrics")).text.splitlines()]
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in lines
        if line.startswith("parcours_http_requests_total") and "/.well-known/jwks.json" in line
    )


async def test_tokens_signed_by_an_unknown_key_or_naming_none_get_401_without_a_fetch_of_the_keys_each(
    whole_platform: Platform, platform: dict[str, ServiceProcess]
) -> None:
    started, before = time.monotonic(), await jwks_fetches(whole_platform.instances["profiles"])
    async with httpx.AsyncClient(timeout=10) as http:
        for number in range(15):
            for kid in (f"made-up-{number}", None):
                for name in CHECKED:
                    answer = await http.get(f"{platform[name].url}/whoami", headers=bearer(forged(kid)))
                    assert answer.status_code == 401, f"{name}: {answer.status_code} {answer.text}"
                    assert answer.json()["detail"] == "Jeton invalide ou expiré : reconnectez-vous."
                    assert answer.headers["www-authenticate"] == "Bearer"
    fetched = await jwks_fetches(whole_platform.instances["profiles"]) - before
    intervals = 1 + int((time.monotonic() - started) // 30)
    assert fetched <= len(CHECKED) * intervals, f"{fetched} fetches of the keys for 120 forged tokens"


async def read_stream(url: str, ticket: str, lines: list[str]) -> int:
    """Reads a live stream until the server ends it; its status."""
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as http,
        http.stream("GET", url, params={"ticket": ticket}) as answer,
    ):
        if answer.status_code == 200:
            async for line in answer.aiter_lines():
                lines.append(line)
        return answer.status_code


async def ticket_for(url: str, headers: dict[str, str]) -> str:
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.post(f"{url}/stream-tickets", headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["ticket"])


async def test_a_closed_accounts_tokens_are_refused_on_every_service_within_seconds(
    profiles: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    agency_id = await new_agency(profiles, f"Mission locale fermée {uuid.uuid4().hex[:4]}")
    email = await new_staff(profiles, agency_id, ["agency_admin", "counsellor"], as_operator())
    signed_in = (await profiles.post("/auth/login", json={"email": email, "password": PASSWORD})).json()
    token = bearer(signed_in["access_token"])
    staff_id = (await profiles.get("/auth/me", headers=token)).json()["staff_id"]
    console = platform["console"].url
    reads = {
        **{name: f"{platform[name].url}/whoami" for name in CHECKED},
        "notifications inbox": f"{platform['notifications'].url}/inbox",
        "console CSV export": f"{console}/api/console/insights/funnel.csv",
        "matching through the console": f"{console}/api/matching/whoami",
    }

    async def answers() -> dict[str, int]:
        async with httpx.AsyncClient(timeout=10) as http:
            return {what: (await http.get(url, headers=token)).status_code for what, url in reads.items()}

    async def known_everywhere() -> bool:  # the agency reaches the console's directory through Kafka
        return set((await answers()).values()) == {200}

    await wait_until(known_everywhere, timeout=60, what="the new account to be accepted everywhere")
    lines: list[str] = []
    stream_url = f"{console}/api/notifications/inbox/stream"
    stream = asyncio.create_task(
        read_stream(stream_url, await ticket_for(f"{console}/api/notifications", token), lines)
    )
    await wait_until(lambda: _true(": connected" in lines), timeout=20, what="the live stream to open")

    closed = await profiles.post(f"/agencies/{agency_id}/staff/{staff_id}/deactivate", headers=as_operator())
    assert closed.status_code == 200, closed.text
    closed_at = time.monotonic()

    async def refused_everywhere() -> bool:
        return set((await answers()).values()) == {401}

    try:
        await wait_until(refused_everywhere, timeout=30, what="the closed account's token to be refused")
    except AssertionError as late:
        raise AssertionError(f"{late}: {await answers()}") from late
    refused_after = time.monotonic() - closed_at
    status = await asyncio.wait_for(stream, timeout=30)
    assert status == 200, "the open stream ended by itself"
    async with httpx.AsyncClient(timeout=10) as http:
        detail = (await http.get(reads["placements"], headers=token)).json()["detail"]
        assert detail == "Ce compte a été fermé : ses jetons ne sont plus acceptés."
        assert (await http.post(f"{platform['notifications'].url}/stream-tickets", headers=token)).status_code == 401
    refreshed = await profiles.post("/auth/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert refreshed.status_code == 401, "its refresh token was revoked"
    print(f"closed account refused everywhere {refused_after:.2f} s after its closing")


async def _true(value: bool) -> bool:
    return value


async def test_the_live_stream_opens_with_a_single_use_ticket_never_with_the_api_token(
    profiles: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    agency_id = await new_agency(profiles, f"CIO du flux {uuid.uuid4().hex[:4]}")
    token = await login(profiles, await new_staff(profiles, agency_id, ["counsellor"], as_operator()))
    staff_id = (await profiles.get("/auth/me", headers=bearer(token))).json()["staff_id"]
    notifications = platform["notifications"].url
    stream_url = f"{notifications}/inbox/stream"
    async with httpx.AsyncClient(timeout=10) as http:
        in_url = await http.get(stream_url, params={"access_token": token})
        assert in_url.status_code == 401, "the API token in a URL opens nothing"
        assert in_url.json()["detail"].startswith("Ticket de flux requis")
        given = await http.post(f"{notifications}/stream-tickets", headers=bearer(token))
        assert given.status_code == 201 and given.json()["expires_in"] == 60
        assert (await http.post(f"{notifications}/stream-tickets")).status_code == 401
    ticket = given.json()["ticket"]
    assert token not in ticket and staff_id not in ticket

    lines: list[str] = []
    opened = asyncio.create_task(read_stream(stream_url, ticket, lines))
    await wait_until(lambda: _true(": connected" in lines), timeout=20, what="the stream to open with the ticket")
    async with httpx.AsyncClient(timeout=10) as http:
        again = await http.get(stream_url, params={"ticket": ticket})
        assert again.status_code == 401 and "déjà servi" in again.json()["detail"]
        altered = await http.get(
            stream_url, params={"ticket": ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")}
        )
        assert altered.status_code == 401
        a_link = links.sign(LINK_KEY, "live-stream", staff_id, datetime.now(UTC) + timedelta(hours=1))
        assert (await http.get(stream_url, params={"ticket": a_link})).status_code == 401
    opened.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await opened


async def test_access_tokens_last_15_minutes_and_a_refresh_token_serves_once(profiles: httpx.AsyncClient) -> None:
    agency_id = await new_agency(profiles, f"Cap emploi {uuid.uuid4().hex[:4]}")
    email = await new_staff(profiles, agency_id, ["counsellor"], as_operator())
    first = (await profiles.post("/auth/login", json={"email": email, "password": PASSWORD})).json()
    assert first["expires_in"] == 900 and first["refresh_token"]
    claims = jwt.decode(first["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900

    second = await profiles.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    renewed = second.json()
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["refresh_expires_at"] == first["refresh_expires_at"], "the sign-in ends when it was to end"
    me = await profiles.get("/auth/me", headers=bearer(renewed["access_token"]))
    assert me.status_code == 200

    stolen = await profiles.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert stolen.status_code == 401 and "reconnectez-vous" in stolen.json()["detail"]
    after_theft = await profiles.post("/auth/refresh", json={"refresh_token": renewed["refresh_token"]})
    assert after_theft.status_code == 401, "a used refresh token presented again revokes the whole sign-in"

    other = (await profiles.post("/auth/login", json={"email": email, "password": PASSWORD})).json()
    assert (await profiles.post("/auth/logout", json={"refresh_token": other["refresh_token"]})).status_code == 204
    assert (await profiles.post("/auth/refresh", json={"refresh_token": other["refresh_token"]})).status_code == 401
    unknown = await profiles.post("/auth/refresh", json={"refresh_token": "n-importe-quoi"})
    assert unknown.status_code == 401


async def test_signing_in_and_secure_links_are_rate_limited_with_a_count_two_instances_share(
    whole_platform: Platform,
) -> None:
    run = uuid.uuid4().hex[:6]
    env = {
        **whole_platform.env["profiles"],
        "PARCOURS_SERVICE_NAME": f"profiles-limits-{run}",  # its own database and consumer group
        "PARCOURS_MONGODB_DATABASE": f"limits_{run}_profiles",
        "PARCOURS_RATE_LIMIT_WINDOW_SECONDS": "3600",
        "PARCOURS_RATE_LIMIT_LOGIN_PER_ADDRESS": "4",
        "PARCOURS_RATE_LIMIT_LINKS_PER_ADDRESS": "6",
        "PARCOURS_RATE_LIMIT_LINKS_PER_LINK": "2",
    }
    folder = whole_platform.folder
    instances = [
        ServiceProcess("services.profiles", port, env, folder / f"profiles-limits-{run}-{n}.log").start()
        for n, port in enumerate((free_port(), free_port()), start=1)
    ]
    try:
        await asyncio.gather(*(p.wait_ready(timeout=120) for p in instances))
        turn = iter(instances * 20)
        async with httpx.AsyncClient(timeout=20) as http:
            body = {"email": "personne@ml.test", "password": "pas-le-bon-mot-de-passe"}
            tried = [(await http.post(f"{next(turn).url}/auth/login", json=body)).status_code for _ in range(4)]
            assert tried == [401] * 4
            over = await http.post(f"{next(turn).url}/auth/login", json=body)
            assert over.status_code == 429, "the fifth sign-in of the address, on either instance"
            assert over.json()["detail"].startswith("Trop de demandes en peu de temps : réessayez dans")
            assert 1 <= int(over.headers["retry-after"]) <= 3600

            async def link(token: str) -> int:
                return (await http.get(f"{next(turn).url}/links/peers/{token}")).status_code

            assert [await link("lien-a"), await link("lien-a")] == [403, 403]
            assert await link("lien-a") == 429, "the third request on one link"
            assert [await link("lien-b"), await link("lien-c"), await link("lien-d")] == [403, 403, 403]
            assert await link("lien-e") == 429, "the seventh request of the address on links"
    finally:
        for process in instances:
            process.stop()
