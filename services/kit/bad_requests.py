"""What a malformed or oversized request gets, in every service and the console: a 4xx in the one shape of
`services.kit.errors` (a stable `code`, the `field`, a French `message`), never a 500, never its own input
echoed back (a body may hold a password, or be megabytes long).

- A body larger than `max_body_bytes` is refused with 413 while it arrives: at once when its
  Content-Length says so, else as soon as the bytes read pass the limit, before anything parses it.
- A JSON body holding a lone surrogate (`"\\ud800"`: JSON's grammar allows it, UTF-8 cannot encode it) is
  refused with a 422 on its field before any route reads it; a text field without constraints took it
  in, and the database driver or the answer failed on it later with a 500.
- FastAPI's validation errors lose their `input` (and `ctx`); their strings are made encodable (a lone
  surrogate such as `"\\ud800"` in the body made the answer itself fail, and its traceback logged the body):
  `services.kit.errors.answer_errors` says them.
- A body too deeply nested for the JSON parser, or unreadable, is a 422 too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kit.errors import BODY_TOO_LARGE, FRENCH, ApiRefusal, invalid, respond


class BodyTooLarge(ApiRefusal):
    """Raised from `receive` as the body passes the limit: FastAPI lets an HTTPException through its body
    parsing, so it reaches the kit's handler whatever route was reading."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, BODY_TOO_LARGE, too_large_message(limit), "body")
        self.limit = limit


def too_large_message(limit: int) -> str:
    size = f"{limit / 1_048_576:g} Mo" if limit >= 1_048_576 else f"{limit / 1024:g} Ko"
    return f"Le corps de la requête dépasse la taille permise ({size})."


@dataclass(frozen=True)
class LargerBody:
    """A route that takes a larger body, streamed (a testimony's video): its method, a pattern its path
    matches (`re.search`) and its own limit, which the route enforces again while it reads."""

    method: str
    path: re.Pattern[str]
    max_bytes: int


def larger_body(larger: Sequence[LargerBody], scope: Scope) -> LargerBody | None:
    path, method = str(scope.get("path", "")), str(scope.get("method", ""))
    return next((r for r in larger if r.method == method and r.path.search(path)), None)


class BodyLimit:
    """ASGI middleware: a request body of more than `max_bytes` (or a `LargerBody` route's own limit) never
    reaches the application."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: Sequence[LargerBody] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = tuple(larger)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        if limit != self.max_bytes:
            await BodyLimit(self.app, limit)(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await _drain(receive, self.max_bytes * 4)  # lets the client finish sending, and read the answer
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    def _limit(self, scope: Scope) -> int:
        found = larger_body(self.larger, scope)
        return found.max_bytes if found else self.max_bytes

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await respond(413, BODY_TOO_LARGE, too_large_message(self.max_bytes), "body")(scope, receive, send)


class WellFormedJson:
    """ASGI middleware: a JSON body with a lone surrogate never reaches a route (inside `BodyLimit`, which
    bounds what this one reads). The `LargerBody` routes stream their body: this one never reads it."""

    def __init__(self, app: ASGIApp, streamed: Sequence[LargerBody] = ()) -> None:
        self.app = app
        self.streamed = tuple(streamed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _json_declared(scope) or larger_body(self.streamed, scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left before it finished sending
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        where = lone_surrogate(body)
        if where is not None:
            await invalid([(["body", *where], FRENCH["string_unicode"], "string_unicode")])(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def lone_surrogate(body: bytes) -> list[str | int] | None:
    """Where in a JSON body a text holds a lone surrogate ([] for the body itself), None if nowhere. Only a
    body with a surrogate escape is parsed here (a pair for an emoji is one too, and is fine)."""
    if not SURROGATE_ESCAPE.search(body):
        return None
    try:
        return _unencodable(json.loads(body), [])
    except RecursionError:
        return []
    except ValueError:
        return None  # not JSON: the route's own parsing says so


def _unencodable(value: object, path: list[str | int]) -> list[str | int] | None:
    if isinstance(value, str):
        return None if _encodes(value) else path
    items: Iterable[tuple[str | int, object]] = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for key, item in items:
        if isinstance(key, str) and not _encodes(key):
            return [*path, key]
        found = _unencodable(item, [*path, key])
        if found is not None:
            return found
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _json_declared(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            kind = bytes(value).split(b";")[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _drain(receive: Receive, at_most: int) -> None:
    """Read and drop what the client sends, up to a bound (beyond it the server closes the connection)."""
    read = 0
    while read <= at_most:
        message = await receive()
        if message["type"] != "http.request":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            return
