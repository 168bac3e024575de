"""A service whose answers depend on state it loads at start-up (matching's memory) must not answer from
a half-loaded state: until it is loaded, every API route answers 503 with `Retry-After` and a French
message, while the operations routes (health, readiness, metrics, the API documents) stay open."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

OPEN_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/asyncapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)
CODE = "service_warming_up"


class RefuseUntilLoaded:
    """ASGI middleware: `loaded()` false means the API answers 503 (code `service_warming_up`)."""

    def __init__(self, app: ASGIApp, *, loaded: Callable[[], bool], message: str, retry_after_seconds: int = 5) -> None:
        self.app = app
        self.loaded = loaded
        self.retry_after = str(retry_after_seconds)
        self.body = json.dumps({"detail": message, "code": CODE, "field": None, "message": message}).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS or self.loaded():
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self.body)).encode()),
            (b"retry-after", self.retry_after.encode()),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})
