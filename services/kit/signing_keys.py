"""The issuer's public signing keys by key id (`kid`), from its JWKS URL. A token naming a key this set
does not hold makes it fetch the JWKS again at most once per `refetch_seconds`: a new key of the issuer
(a rotation) is picked up within that interval, and forged tokens with made-up key ids cannot make every
request a round trip to the issuer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt

Fetch = Callable[[str], Awaitable[dict[str, Any]]]


class UnknownSigningKey(jwt.InvalidTokenError):
    """The token names no key, or a key the issuer does not publish."""


class SigningKeysUnavailable(Exception):
    """No key is known yet and the issuer's JWKS cannot be read."""


async def fetch_jwks(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=5) as client:
        answer = await client.get(url)
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found


class SigningKeys:
    def __init__(
        self,
        url: str,
        *,
        refetch_seconds: float = 30.0,
        lifespan_seconds: float = 300.0,
        fetch: Fetch = fetch_jwks,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Known keys are read again after `lifespan_seconds` (a key the issuer withdrew stops working);
        while none is known (the issuer down at start-up), a fetch is tried at most once a second."""
        self.url, self.fetch, self.clock = url, fetch, clock
        self.refetch_seconds, self.lifespan_seconds = refetch_seconds, lifespan_seconds
        self.keys: dict[str, Any] = {}
        self.fetched_at = self.attempted_at = -float("inf")
        self.fetches = 0
        self._lock = asyncio.Lock()

    def _usable(self, kid: str) -> Any:
        if self.clock() - self.fetched_at < self.lifespan_seconds:
            return self.keys.get(kid)
        return None

    async def key_for(self, kid: str | None) -> Any:
        if not kid:
            raise UnknownSigningKey("the token names no signing key (kid)")
        key = self._usable(kid)
        if key is not None:
            return key
        async with self._lock:  # concurrent requests wait for one fetch
            key = self._usable(kid)
            if key is None and self._may_fetch():
                await self._fetch()
            key = self.keys.get(kid)
        if key is not None:
            return key
        if not self.keys:
            raise SigningKeysUnavailable(f"the signing keys cannot be read from {self.url}")
        raise UnknownSigningKey("the token is signed by a key the issuer does not publish")

    def _may_fetch(self) -> bool:
        wait = self.refetch_seconds if self.keys else 1.0
        return self.clock() - self.attempted_at >= wait

    async def _fetch(self) -> None:
        self.attempted_at = self.clock()
        self.fetches += 1
        try:
            document = await self.fetch(self.url)
            found = {key.key_id: key.key for key in jwt.PyJWKSet.from_dict(document).keys if key.key_id}
        except (httpx.HTTPError, jwt.PyJWKSetError, jwt.InvalidKeyError, ValueError, KeyError):
            return  # the keys known so far go on working
        self.keys, self.fetched_at = found, self.clock()
