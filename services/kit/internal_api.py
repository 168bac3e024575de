"""Service-to-service calls: the routes under `/internal/` that let a service fetch from the owner what
must not travel on the shared topics (contact points), and the client that calls them.

The caller proves it is one of the platform's services with a short-lived token (one minute) naming it,
signed like the secure links but under a key derived from `PARCOURS_LINK_SIGNING_KEY` for this one
purpose: no new secret to distribute (the services that need the routes already share that key), and
neither a link nor a leaked internal token can stand for the other. The token travels in the
`Authorization` header, never in a URL, so no access log holds it."""

from __future__ import annotations

import hashlib
import hmac
import itertools
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
from fastapi import Depends, Header, Request

from services.kit import links
from services.kit.errors import ApiRefusal

PURPOSE = "internal-api"
TOKEN_LIFETIME = timedelta(minutes=1)


def _derived_key(link_signing_key: str) -> str:
    return hmac.new(link_signing_key.encode(), b"parcours/internal-api/v1", hashlib.sha256).hexdigest()


def token_for(link_signing_key: str, caller: str, now: datetime | None = None) -> str:
    """A token saying `caller` (a service name) asks, valid one minute."""
    expires = (now or datetime.now(UTC)) + TOKEN_LIFETIME
    return links.sign(_derived_key(link_signing_key), PURPOSE, caller, expires)


def caller_of(link_signing_key: str, token: str) -> str:
    """The service that signed the token; raises links.InvalidLink when it is forged, altered or expired."""
    return links.verify(_derived_key(link_signing_key), token, PURPOSE)


def internal_caller(*allowed: str) -> Any:
    """A route dependency: the calling service, which must be one of `allowed` (401 or 403 otherwise)."""

    def check(request: Request, authorization: Annotated[str, Header()] = "") -> str:
        scheme, _, token = authorization.partition(" ")
        key = request.app.state.settings.link_signing_key
        if scheme.lower() != "bearer" or not token or not key:
            raise ApiRefusal(401, "service_token_required", "Route interne : le jeton d'un service est requis.")
        try:
            caller = caller_of(key, token)
        except links.InvalidLink:
            raise ApiRefusal(
                401, "service_token_invalid", "Route interne : ce jeton de service n'est pas valide."
            ) from None
        if caller not in allowed:
            raise ApiRefusal(403, "service_not_allowed", "Route interne : elle n'est pas ouverte à ce service.")
        return caller

    return Depends(check)


class OwnerUnreachable(Exception):
    """No instance of the owning service answered (down, restarting, 5xx): the consumer treats it as a
    server out of reach and applies the batch again once it answers (`kit.messaging.SERVERS_UNREACHABLE`)."""


class OwnerRefused(Exception):
    """The owning service refuses this service's calls (a key that differs): the event goes the way of a
    failing one (retries, then the dead-letter topic, to be replayed once the settings are fixed)."""


class InternalClient:
    """Calls another service's internal routes, on each of its instances in turn (comma-separated URLs)."""

    def __init__(self, urls: str, link_signing_key: str, caller: str, timeout: float = 15.0) -> None:
        self.urls = [url.strip().rstrip("/") for url in urls.split(",") if url.strip()]
        self._next = itertools.cycle(range(len(self.urls)))
        self.key = link_signing_key
        self.caller = caller
        self.client = httpx.AsyncClient(timeout=timeout)

    async def get(self, path: str) -> dict[str, Any] | None:
        """The JSON answer, None when the owner says there is no such thing (404 or 410)."""
        return await self._call("GET", path)

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """For a question too long for a URL (ids by the hundred), which changes nothing at the owner."""
        return await self._call("POST", path, body)

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        start = next(self._next)
        problem = "no instance configured"
        for attempt in range(len(self.urls)):
            url = self.urls[(start + attempt) % len(self.urls)] + path
            headers = {"Authorization": f"Bearer {token_for(self.key, self.caller)}"}
            try:
                answer = await self.client.request(method, url, headers=headers, json=body)
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}"
                continue
            if answer.status_code in (404, 410):
                return None
            if answer.status_code == 200:
                return dict(answer.json())
            if answer.status_code < 500:  # 401, 403: a configuration to fix, not a moment to wait out
                raise OwnerRefused(f"{method} {path}: HTTP {answer.status_code}")
            problem = f"HTTP {answer.status_code}"
        raise OwnerUnreachable(f"{method} {path}: {problem}")

    async def close(self) -> None:
        await self.client.aclose()
