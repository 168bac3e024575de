"""Hostile inputs, written by hand, against the running platform: lone surrogates, huge and deep bodies,
control characters, formula cells, path traversal in ids, punctuation-only searches. Each service, and the
console's proxy in front of them, answers a clear 4xx (never a 5xx), never echoes the input back whole,
and writes neither the body nor a token into its log."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.kit.dead_letters import read_topic
from tests.conftest import Servers
from tests.integration.conftest import Platform
from tests.integration.support import ServiceProcess, wait_until
from tests.integration.test_profiles_beneficiaries_api import Agency, agency, beneficiary

pytestmark = pytest.mark.integration

APIS = ("profiles", "matching", "placements", "notifications")
HUGE = 2_600_000  # the 2.6 MB body that froze placements for 45 s
LIMIT = 1_048_576  # the default PARCOURS_MAX_BODY_BYTES
JSON = {"content-type": "application/json"}
SURROGATE = b'"\\ud800"'  # a lone surrogate, escaped as JSON allows it and UTF-8 cannot encode it
TRAVERSALS = ("..", "../../etc/passwd", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc", "..%2f..%2f", "a%00b", "%00", "x" * 300)


@pytest.fixture
async def team(profiles: httpx.AsyncClient) -> Agency:
    return await agency(profiles, "Mission locale hostile")


@pytest.fixture
async def clients(whole_platform: Platform) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    opened = {
        name: httpx.AsyncClient(base_url=process.url, timeout=60) for name, process in whole_platform.first().items()
    }
    try:
        yield opened
    finally:
        for client in opened.values():
            await client.aclose()


async def operations(client: httpx.AsyncClient) -> list[tuple[str, str, dict[str, Any]]]:
    """Every route of a service's OpenAPI document: method, path, operation."""
    document = (await client.get("/openapi.json")).json()
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def filled(path: str, value: str = "x") -> str:
    return "/".join(value if part.startswith("{") else part for part in path.split("/"))


def assert_clear_refusal(answer: httpx.Response, *codes: int) -> None:
    """A 4xx (one of `codes` when given) in JSON, short, that says something."""
    assert 400 <= answer.status_code < 500, f"{answer.request.method} {answer.request.url}: {answer.status_code}"
    if codes:
        assert answer.status_code in codes, answer.text[:500]
    assert len(answer.content) < 20_000, f"{answer.request.url}: an answer of {len(answer.content)} bytes"
    if answer.status_code != 405:
        assert answer.json()["detail"], answer.text


def problems(answer: httpx.Response) -> list[dict[str, Any]]:
    detail = answer.json()["detail"]
    assert isinstance(detail, list), answer.text
    assert all("input" not in p for p in detail), "the input is never echoed back"
    return detail


# -- lone surrogates --------------------------------------------------------------------------------------


async def test_a_lone_surrogate_on_every_json_route_of_every_service_is_a_422_never_a_500(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    swept = 0
    for name in APIS:
        client = clients[name]
        for method, path, operation in await operations(client):
            if "requestBody" not in operation:
                continue
            body = b'{"name": ' + SURROGATE + b', "email": ' + SURROGATE + b', "reason": ' + SURROGATE + b"}"
            answer = await client.request(method, filled(path), content=body, headers={**JSON, **team.counsellor})
            assert_clear_refusal(answer)
            swept += 1
    assert swept >= 20, f"only {swept} routes with a body were found"


async def test_a_lone_surrogate_in_a_password_is_refused_in_french_and_never_logged(
    clients: dict[str, httpx.AsyncClient], platform: dict[str, ServiceProcess]
) -> None:
    secret = f"secret-{uuid.uuid4().hex}"
    body = json.dumps({"email": "agent@ml.test", "password": secret}).encode()[:-2] + b'\\ud800"}'
    for client, path in ((clients["profiles"], "/auth/login"), (clients["console"], "/api/profiles/auth/login")):
        answer = await client.post(path, content=body, headers=JSON)
        assert_clear_refusal(answer, 422)
        [problem] = problems(answer)
        assert problem["loc"] == ["body", "password"] and problem["type"] == "string_unicode"
        assert "caractère invalide" in problem["msg"]
        assert secret not in answer.text
    for process in platform.values():
        assert secret not in process.log(), f"{process.module} logged the password"


async def test_a_lone_surrogate_on_the_public_link_routes_is_a_4xx(clients: dict[str, httpx.AsyncClient]) -> None:
    links = (
        ("profiles", "PATCH", "/links/peers/not-a-token"),
        ("profiles", "POST", "/links/peers/not-a-token/pause"),
        ("matching", "POST", "/links/introductions/not-a-token/answer"),
        ("matching", "POST", "/links/introductions/not-a-token/feedback"),
        ("placements", "POST", "/links/conventions/c-1/not-a-token/decline"),
        ("placements", "POST", "/links/conventions/c-1/not-a-token/assessment"),
    )
    for name, method, path in links:
        for client, where in ((clients[name], path), (clients["console"], f"/api/{name}{path}")):
            answer = await client.request(method, where, content=b'{"reason": ' + SURROGATE + b"}", headers=JSON)
            assert_clear_refusal(answer)


# -- huge and deep bodies ---------------------------------------------------------------------------------


async def test_a_huge_body_is_refused_413_in_french_on_signed_in_and_public_routes_and_through_the_console(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    huge = json.dumps({**beneficiary(), "padding": "x" * HUGE}).encode()
    targets = (
        ("profiles", "/beneficiaries", team.counsellor),
        ("profiles", "/auth/login", {}),
        ("profiles", "/links/peers/not-a-token/pause", {}),
        ("matching", "/links/introductions/not-a-token/answer", {}),
        ("placements", "/conventions", team.counsellor),
        ("placements", "/links/conventions/c-1/not-a-token/confirm", {}),
        ("notifications", "/inbox/read-all", team.counsellor),
    )
    for name, path, headers in targets:
        for client, where in ((clients[name], path), (clients["console"], f"/api/{name}{path}")):
            answer = await client.post(where, content=huge, headers={**JSON, **headers})
            assert_clear_refusal(answer, 413)
            assert "dépasse la taille permise (1 Mo)" in answer.json()["detail"], answer.text
            assert answer.json()["code"] == "body_too_large" and answer.json()["field"] == "body"


async def test_a_huge_body_sent_in_chunks_without_a_length_is_refused_as_it_arrives(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"padding": "'
        for _ in range(HUGE // 65_536):
            yield b"x" * 65_536
        yield b'"}'

    for client, path in ((clients["profiles"], "/beneficiaries"), (clients["console"], "/api/profiles/beneficiaries")):
        answer = await client.post(path, content=chunks(), headers={**JSON, **team.counsellor})
        assert "content-length" not in answer.request.headers
        assert_clear_refusal(answer, 413)


async def test_a_body_just_under_the_limit_is_read_and_answered_without_echoing_it(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    body = beneficiary()
    body["identity"]["first_name"] = "x" * (LIMIT - 10_000)
    answer = await clients["profiles"].post("/beneficiaries", json=body, headers=team.counsellor)
    assert_clear_refusal(answer, 422)
    assert [p["loc"] for p in problems(answer)] == [["body", "identity", "first_name"]]


async def test_deeply_nested_bodies_are_a_422(clients: dict[str, httpx.AsyncClient], team: Agency) -> None:
    bodies = (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b"[" * 900 + b"]" * 900)
    routes = (
        ("profiles", "/beneficiaries"),
        ("placements", "/conventions"),
        ("matching", "/beneficiaries/b/introductions"),
    )
    for name, path in routes:
        for body in bodies:
            for client, where in ((clients[name], path), (clients["console"], f"/api/{name}{path}")):
                answer = await client.post(where, content=body, headers={**JSON, **team.counsellor})
                assert_clear_refusal(answer, 422)
                assert problems(answer)


async def test_malformed_json_is_a_422_in_french(clients: dict[str, httpx.AsyncClient], team: Agency) -> None:
    for body in (b'{"identity": ', b"\xff\xfe not utf-8", b'{"a": NaN}x', b"\x00"):
        answer = await clients["profiles"].post("/beneficiaries", content=body, headers={**JSON, **team.counsellor})
        assert_clear_refusal(answer, 422)
        assert problems(answer)[0]["msg"].startswith("Le corps de la requête"), answer.text


# -- control characters, formula cells, searches ---------------------------------------------------------


async def test_control_characters_in_texts_are_kept_or_refused_never_a_500(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    for odd in ("A\u0000B", "\u0007\u001b[31m", "ligne\r\nSet-Cookie: x=1", "\u202eevil", "\ufeff", "\uffff"):
        body = beneficiary()
        body["identity"]["first_name"] = odd
        answer = await clients["profiles"].post("/beneficiaries", json=body, headers=team.counsellor)
        assert answer.status_code in (201, 422), f"{odd!r}: {answer.status_code} {answer.text[:300]}"
        found = await clients["profiles"].get("/beneficiaries", params={"q": odd}, headers=team.counsellor)
        assert found.status_code in (200, 422), f"{odd!r}: {found.status_code}"


async def test_searches_of_punctuation_or_control_characters_answer_clearly(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    for query in ("-", "?", "'", "*", "\\", "../", "\u0000", "%", "(", "[", "$where", '{"$gt": ""}'):
        for path in ("/reference/jobs", "/reference/places", "/beneficiaries", "/peers"):
            answer = await clients["profiles"].get(path, params={"q": query}, headers=team.counsellor)
            assert answer.status_code in (200, 422), f"{path}?q={query!r}: {answer.status_code} {answer.text[:300]}"
            if path.startswith("/reference/jobs") and answer.status_code == 200:
                assert answer.json() == [] or query in ("*",), f"{query!r} found {answer.json()[:2]}"


# -- ids that try to walk out ---------------------------------------------------------------------------------


async def test_path_traversal_and_nul_in_ids_are_a_4xx_on_every_route_of_every_service(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    swept = 0
    for name in APIS:
        client = clients[name]
        for method, path, operation in await operations(client):
            if "{" not in path:
                continue
            for value in TRAVERSALS:
                body = b"{}" if "requestBody" in operation else None
                where = filled(path, value)
                for target, url in ((client, where), (clients["console"], f"/api/{name}{where}")):
                    answer = await target.request(method, url, content=body, headers={**JSON, **team.counsellor})
                    assert answer.status_code < 500, f"{method} {url}: {answer.status_code} {answer.text[:300]}"
                    swept += 1
    assert swept > 100


# -- what reaches the logs and the wire ----------------------------------------------------------------------


async def test_no_token_or_link_in_a_url_reaches_a_log(
    clients: dict[str, httpx.AsyncClient], team: Agency, platform: dict[str, ServiceProcess]
) -> None:
    token = team.counsellor["Authorization"].removeprefix("Bearer ")
    link = f"link{uuid.uuid4().hex}"
    console = clients["console"]
    async with console.stream("GET", "/api/notifications/inbox/stream", params={"access_token": token}):
        pass  # whether the stream opens or not, its URL held a token
    for path in (
        f"/api/profiles/links/peers/{link}",
        f"/api/matching/links/introductions/{link}",
        f"/api/placements/links/conventions/c-1/{link}",
    ):
        assert_clear_refusal(await console.get(path))
    assert (await console.get(f"/links/peers/{link}")).status_code == 200  # the page the e-mail opens
    await clients["notifications"].get("/inbox", params={"access_token": token})
    for process in platform.values():
        log = process.log()
        assert token not in log and token.split(".")[-1] not in log, f"{process.module} logged a token"
        assert link not in log, f"{process.module} logged a link"


async def test_event_records_say_their_content_is_json(servers: Servers, profiles: httpx.AsyncClient) -> None:
    registered = await agency(profiles, "Mission locale des en-têtes")
    records: list[Any] = []

    async def published() -> bool:
        nonlocal records
        records = await read_topic(
            servers.kafka_bootstrap_servers, "profiles.agency", lambda r: r.key == registered.agency_id.encode()
        )
        return bool(records)

    await wait_until(published, timeout=30, what="the agency's event on Kafka")
    for record in records:
        headers = {name: value.decode() for name, value in record.headers or ()}
        assert headers["content-type"] == "application/json", headers
