"""The kit's answers to malformed and oversized requests, on a small app built as every service's is."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from services.kit.bad_requests import BodyLimit, LargerBody, WellFormedJson, lone_surrogate
from services.kit.errors import answer_errors

LIMIT = 10_000


class LoginIn(BaseModel):
    email: str = Field(min_length=3)
    password: str  # no constraint: pydantic takes a lone surrogate in as it is


def client() -> TestClient:
    app = FastAPI()
    app.add_middleware(WellFormedJson)
    app.add_middleware(BodyLimit, max_bytes=LIMIT)
    answer_errors(app)

    @app.post("/login")
    async def login(body: LoginIn) -> dict[str, str]:
        return {"email": body.email}

    @app.post("/nothing-read")
    async def nothing_read() -> dict[str, str]:
        return {}

    return TestClient(app, raise_server_exceptions=False)


def test_a_lone_surrogate_is_a_422_on_its_field_without_the_input() -> None:
    body = b'{"email": "agent@ml.test", "password": "secret-\\ud800"}'
    answer = client().post("/login", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    message = "Ce texte contient un caractère invalide (un demi-caractère Unicode isolé)."
    assert answer.json() == {
        "code": "invalid_input",
        "field": "password",
        "message": message,
        "errors": [{"code": "string_unicode", "field": "password", "message": message}],
        "detail": [{"loc": ["body", "password"], "msg": message, "type": "string_unicode"}],
    }
    assert "secret" not in answer.text


def test_a_validation_error_never_echoes_the_input() -> None:
    answer = client().post("/login", json={"email": "x" * 4000, "password": ["z" * 4000]})
    assert answer.status_code == 422 and len(answer.content) < 500
    assert {p["type"] for p in answer.json()["detail"]} == {"string_type"}
    assert answer.json()["detail"][0]["msg"] == "Indiquez un texte."


@pytest.mark.parametrize("route", ["/login", "/nothing-read"])
def test_a_body_over_the_limit_is_a_413_in_french_whether_declared_or_streamed(route: str) -> None:
    body = json.dumps({"email": "a" * LIMIT, "password": "p"}).encode()
    declared = client().post(route, content=body, headers={"content-type": "application/json"})
    assert declared.status_code == 413
    message = "Le corps de la requête dépasse la taille permise (9.76562 Ko)."
    assert declared.json() == {"code": "body_too_large", "field": "body", "message": message, "detail": message}

    def chunks() -> object:
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    streamed = client().post(route, content=chunks(), headers={"content-type": "application/json"})  # type: ignore[arg-type]
    assert streamed.status_code == 413 and streamed.json()["code"] == "body_too_large"


def test_a_body_within_the_limit_goes_through() -> None:
    answer = client().post("/login", json={"email": "a" * (LIMIT - 100), "password": "p"})
    assert answer.status_code == 200


def test_a_body_nested_deeper_than_the_parser_goes_is_a_422_in_french() -> None:
    answer = client().post("/login", content=b"[" * 4000 + b"]" * 4000, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    [problem] = answer.json()["errors"]
    assert problem["code"] == "body_unreadable" and problem["message"].startswith("Le corps de la requête")
    assert problem["field"] is None and answer.json()["message"] == problem["message"]


def test_a_surrogate_is_found_where_it_is_and_a_pair_is_fine() -> None:
    assert lone_surrogate(b'{"a": [1, {"b": "x\\udc00"}]}') == ["a", 1, "b"]
    assert lone_surrogate(b'{"\\ud800": 1}') == ["\ud800"]
    assert lone_surrogate(b'{"emoji": "\\ud83d\\ude00", "plain": "\\u00e9"}') is None
    assert lone_surrogate(b'{"not json": "\\ud800"') is None


def test_a_larger_body_route_takes_its_own_limit_streamed_and_no_more() -> None:
    larger = [LargerBody("PUT", re.compile(r"/media$"), 5 * LIMIT)]
    app = FastAPI()
    app.add_middleware(WellFormedJson, streamed=larger)
    app.add_middleware(BodyLimit, max_bytes=LIMIT, larger=larger)
    answer_errors(app)

    @app.put("/things/{thing}/media")
    async def upload(thing: str, request: Request) -> dict[str, int]:
        return {"read": sum([len(piece) async for piece in request.stream()])}

    @app.post("/things/{thing}/media")
    async def other(thing: str, request: Request) -> dict[str, int]:
        return {"read": len(await request.body())}

    http = TestClient(app, raise_server_exceptions=False)

    def streamed(size: int) -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(size // 1000):
            yield b"x" * 1000

    assert http.put("/things/a/media", content=streamed(4 * LIMIT)).json() == {"read": 4 * LIMIT}
    too_large = http.put("/things/a/media", content=streamed(6 * LIMIT))
    assert too_large.status_code == 413 and too_large.json()["message"].startswith("Le corps de la requête dépasse")
    assert http.put("/things/a/media", content=b"x" * (6 * LIMIT)).status_code == 413  # said by Content-Length
    assert http.post("/things/a/media", content=b"x" * (2 * LIMIT)).status_code == 413  # another method: the usual
    # its body streams to the route, never read whole by the JSON check, whatever its declared type
    surrogate = b'{"a": "\\ud800"}'
    as_json = http.put("/things/a/media", content=surrogate, headers={"content-type": "application/json"})
    assert as_json.json() == {"read": len(surrogate)}
