"""No token, link or refused body reaches a log line, whoever writes it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from services.kit import logs

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzMSJ9.c2lnbmF0dXJl"


class LoginIn(BaseModel):
    email: str
    password: int


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logs.configure("tests", "INFO", as_json=True)
    out = io.StringIO()
    root.handlers[0].setStream(out)  # type: ignore[attr-defined]
    try:
        yield out
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f'HTTP Request: GET http://127.0.0.1:8004/inbox/stream?access_token={TOKEN} "HTTP/1.1 200 OK"', TOKEN),
        (f"GET /links/conventions/c-1/{TOKEN}/confirm", TOKEN),
        (f"POST /api/matching/links/introductions/{TOKEN}/answer", TOKEN),
        (f"GET /links/peers/{TOKEN}", TOKEN),
        (f'"GET /api/profiles/links/testimonies/{TOKEN}/media HTTP/1.1" 206', TOKEN),
        (f"Authorization: Bearer {TOKEN}", TOKEN),
        ("GET /inbox/stream?ticket=t-123456&x=1", "t-123456"),
    ],
)
def test_tokens_in_urls_and_headers_are_masked(line: str, secret: str) -> None:
    assert secret not in logs.redact(line) and logs.MASK in logs.redact(line)


def test_the_http_clients_request_lines_are_not_logged_and_would_be_masked(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: GET http://x/inbox/stream?access_token=%s", TOKEN)
    logging.getLogger("services.console").warning("proxied http://x/links/peers/%s", TOKEN)
    assert TOKEN not in captured.getvalue()
    [line] = captured.getvalue().splitlines()
    assert json.loads(line)["message"] == f"proxied http://x/links/peers/{logs.MASK}"


def test_a_traceback_says_which_fields_a_validation_refused_never_their_values(captured: io.StringIO) -> None:
    body = {"email": "a@b.fr", "password": "-".join(("secret", "password", "123"))}  # not in the source lines
    try:
        try:
            LoginIn.model_validate(body)
        except ValidationError as error:
            raise RequestValidationError(error.errors()) from error
    except RequestValidationError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    entry = json.loads(captured.getvalue())
    assert "secret-password-123" not in captured.getvalue()
    assert "password (int_parsing)" in entry["error"] and "RequestValidationError" in entry["error"]
    assert "LoginIn" in entry["error"] or "ValidationError" in entry["error"]
