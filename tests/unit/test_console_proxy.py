"""The console's proxy with a stand-in upstream (the browser tests prove it against the real services):
what it forwards, what it leaves out, and what a caller reads when a service does not answer."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.console.adapters.upstreams import Upstreams
from services.console.api import proxy
from services.kit.errors import answer_errors
from tests.conftest import free_port


def console(transport: httpx.AsyncBaseTransport | None = None) -> TestClient:
    app = FastAPI()
    answer_errors(app)  # as every service's app does (`kit.http.create_app`)
    app.include_router(proxy.router)
    app.state.upstreams = Upstreams(
        {
            "profiles": "http://profiles.test",
            "matching": f"http://127.0.0.1:{free_port()}",
            "placements": "http://placements-1.test, http://placements-2.test",
        },
        httpx.AsyncClient(transport=transport),
    )
    return TestClient(app)


def test_a_request_goes_to_its_service_with_its_method_path_query_body_and_token() -> None:
    seen: list[tuple[httpx.Request, bytes]] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append((request, request.read()))
        headers = {"content-type": "application/json", "connection": "close", "x-correlation-id": "c1"}
        return httpx.Response(201, headers=headers, stream=httpx.ByteStream(b'{"ok": true}'))

    answer = console(httpx.MockTransport(upstream)).post(
        "/api/profiles/beneficiaries?mine=true&q=in%C3%A8s",
        json={"a": 1},
        headers={"Authorization": "Bearer t", "Proxy-Authorization": "Basic c2VjcmV0"},
    )
    assert answer.status_code == 201 and answer.json() == {"ok": True}
    assert answer.headers["x-correlation-id"] == "c1" and "connection" not in answer.headers
    [(request, body)] = seen
    assert request.method == "POST" and str(request.url) == "http://profiles.test/beneficiaries?mine=true&q=in%C3%A8s"
    assert request.headers["authorization"] == "Bearer t" and body == b'{"a":1}'
    assert "proxy-authorization" not in request.headers, "hop-by-hop headers stay on their hop"
    assert request.headers["x-forwarded-for"] == "testclient"


def test_an_unknown_service_is_a_404_and_a_silent_one_a_502_that_says_which() -> None:
    client = console()
    unknown = client.get("/api/billing/invoices")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_service"
    assert unknown.json()["message"].startswith("Cette adresse n'existe pas")
    silent = client.get("/api/matching/introductions")
    assert silent.status_code == 502 and silent.json()["code"] == "upstream_unavailable"
    assert silent.json()["message"] == "Le service « mises en relation » ne répond pas : réessayez dans un instant."


def test_a_service_too_slow_is_a_french_504() -> None:
    def upstream(request: httpx.Request) -> httpx.Response:
        raise httpx.WriteTimeout("too slow", request=request)

    slow = console(httpx.MockTransport(upstream)).get("/api/placements/conventions")
    assert slow.status_code == 504 and slow.json()["code"] == "upstream_timeout"
    assert slow.json()["message"].startswith("Le service « immersions » a mis trop de temps à répondre")


def test_requests_go_to_each_instance_in_turn_and_skip_one_that_refuses_connections() -> None:
    seen: list[str] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        if request.url.host == "placements-2.test" and len(seen) >= 2:
            raise httpx.ConnectError("connection refused", request=request)
        seen.append(request.url.host)
        body = f'{{"host": "{request.url.host}"}}'.encode()
        return httpx.Response(200, headers={"content-type": "application/json"}, stream=httpx.ByteStream(body))

    client = console(httpx.MockTransport(upstream))
    hosts = [client.get("/api/placements/conventions").json()["host"] for _ in range(4)]
    assert hosts[:2] == ["placements-1.test", "placements-2.test"], "in turn while both answer"
    assert hosts[2:] == ["placements-1.test", "placements-1.test"], "the refusing instance is skipped"


def test_a_path_goes_to_its_service_as_it_was_written_and_dot_segments_go_nowhere() -> None:
    seen: list[str] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(404, headers={"content-type": "application/json"}, stream=httpx.ByteStream(b"{}"))

    client = console(httpx.MockTransport(upstream))
    for written in ("beneficiaries/a%00b", "beneficiaries/..%2f..%2fmetrics", "beneficiaries/%2e%2e", "peers/a%20b"):
        assert client.get(f"/api/profiles/{written}?q=1").status_code == 404
    assert seen == [
        "/beneficiaries/a%00b?q=1",
        "/beneficiaries/..%2f..%2fmetrics?q=1",
        "/beneficiaries/%2e%2e?q=1",
        "/peers/a%20b?q=1",
    ]
    with client as raw:  # a client that keeps dot segments as written
        request = raw.build_request("GET", "http://testserver/api/profiles/beneficiaries/../../metrics")
        request.url = request.url.copy_with(raw_path=b"/api/profiles/beneficiaries/../../metrics")
        refused = raw.send(request)
    assert refused.status_code == 404 and len(seen) == 4, "never forwarded"
