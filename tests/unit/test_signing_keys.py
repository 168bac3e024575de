"""The issuer's keys as every service holds them: a token naming an unknown key (or none) is refused
without a fetch of the JWKS per request, and a new key of the issuer is picked up within the interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from services.kit.identity import TokenVerifier
from services.kit.signing_keys import SigningKeys, SigningKeysUnavailable, UnknownSigningKey
from services.profiles.adapters.tokens import TokenIssuer, generate_private_key_pem

OLD, NEW = (TokenIssuer(generate_private_key_pem(), issuer="i", audience="a", minutes=5) for _ in range(2))
STRANGER = generate_private_key_pem()


class Issuer:
    """What the JWKS URL answers, and how often it was asked."""

    def __init__(self, *published: TokenIssuer) -> None:
        self.published = list(published)
        self.asked = 0
        self.down = False

    async def jwks(self, url: str) -> dict[str, Any]:
        self.asked += 1
        if self.down:
            raise ValueError("connection refused")
        return {"keys": [key for issuer in self.published for key in issuer.jwks()["keys"]]}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def verifier_of(keys: SigningKeys) -> TokenVerifier:
    verifier = TokenVerifier(issuer="i", audience="a", jwks_url="http://issuer/jwks")
    verifier.keys = keys
    return verifier


def forged(kid: str | None) -> str:
    """A token signed by a key of nobody's, naming `kid` (or no key at all)."""
    now = datetime.now(UTC)
    claims = {"sub": "x", "iss": "i", "aud": "a", "iat": now, "exp": now + timedelta(minutes=5)}
    headers = {"kid": kid} if kid else {}
    return jwt.encode(claims, STRANGER, algorithm="RS256", headers=headers)


async def test_tokens_naming_unknown_keys_or_none_are_refused_with_one_fetch_per_interval() -> None:
    issuer, clock = Issuer(OLD), Clock()
    verifier = verifier_of(SigningKeys("http://issuer/jwks", refetch_seconds=30, fetch=issuer.jwks, clock=clock))
    token, _ = OLD.issue("staff-1", {})
    assert (await verifier.verify(token)).staff_id == "staff-1"
    assert issuer.asked == 1
    for number in range(50):
        with pytest.raises(UnknownSigningKey):
            await verifier.verify(forged(f"made-up-{number}"))
        with pytest.raises(UnknownSigningKey):
            await verifier.verify(forged(None))
        clock.now += 0.5
    assert issuer.asked == 1, "25 s of forged tokens: no fetch before the interval"
    clock.now += 5
    with pytest.raises(UnknownSigningKey):
        await verifier.verify(forged("made-up"))
    assert issuer.asked == 2, "after the interval, one fetch"


async def test_a_new_key_of_the_issuer_is_picked_up_within_the_interval() -> None:
    issuer, clock = Issuer(OLD), Clock()
    verifier = verifier_of(SigningKeys("http://issuer/jwks", refetch_seconds=30, fetch=issuer.jwks, clock=clock))
    await verifier.verify(OLD.issue("staff-1", {})[0])  # the first fetch
    issuer.published = [NEW, OLD]  # the issuer rotates
    clock.now += 10
    rotated, _ = NEW.issue("staff-2", {})
    with pytest.raises(UnknownSigningKey):
        await verifier.verify(rotated)  # within the interval of the last fetch
    clock.now += 20
    assert (await verifier.verify(rotated)).staff_id == "staff-2"
    assert (await verifier.verify(OLD.issue("staff-1", {})[0])).staff_id == "staff-1"


async def test_with_the_issuer_down_the_known_keys_go_on_working_and_none_known_is_unavailable() -> None:
    issuer, clock = Issuer(OLD), Clock()
    keys = SigningKeys("http://issuer/jwks", refetch_seconds=30, lifespan_seconds=300, fetch=issuer.jwks, clock=clock)
    verifier = verifier_of(keys)
    await verifier.verify(OLD.issue("staff-1", {})[0])
    issuer.down = True
    clock.now += 400  # the keys are due to be read again, and the issuer does not answer
    assert (await verifier.verify(OLD.issue("staff-1", {})[0])).staff_id == "staff-1"

    never, cold_clock = Issuer(OLD), Clock()
    never.down = True
    cold = verifier_of(SigningKeys("http://issuer/jwks", fetch=never.jwks, clock=cold_clock))
    for _ in range(5):
        with pytest.raises(SigningKeysUnavailable):
            await cold.verify(OLD.issue("staff-1", {})[0])
    assert never.asked == 1, "at most once a second while none is known"
    never.down = False
    cold_clock.now += 1
    assert (await cold.verify(OLD.issue("staff-1", {})[0])).staff_id == "staff-1"
