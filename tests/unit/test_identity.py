"""Token verification, as every service does it, including for an external OpenID Connect issuer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from services.kit.identity import Role, TokenVerifier
from services.profiles.adapters.tokens import TokenIssuer, generate_private_key_pem

PEM = generate_private_key_pem()


async def test_a_profiles_token_gives_the_callers_agency_roles_and_region() -> None:
    issuer = TokenIssuer(PEM, issuer="parcours-profiles", audience="parcours", minutes=5)
    token, lifetime = issuer.issue(
        "staff-1", {"agency_id": "a-1", "roles": ["counsellor", "wizard"], "region_code": "52"}
    )
    caller = await TokenVerifier(issuer="parcours-profiles", audience="parcours", public_key=issuer.public_key).verify(
        token
    )
    assert (caller.staff_id, caller.agency_id, caller.region_code) == ("staff-1", "a-1", "52")
    assert caller.roles == {Role.COUNSELLOR} and lifetime == 300, "unknown roles are ignored"
    assert caller.expires_at is not None, "a live stream ends with its token"
    assert 295 <= (caller.expires_at - datetime.now(UTC)).total_seconds() <= 300
    assert issuer.jwks()["keys"][0]["kid"] == jwt.get_unverified_header(token)["kid"]


async def test_an_external_issuer_with_its_own_claim_names_is_accepted_by_configuration() -> None:
    key = serialization.load_pem_private_key(PEM, password=None)
    now = datetime.now(UTC)
    claims = {
        "sub": "u-9",
        "iss": "https://sso.region.fr",
        "aud": "parcours",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "structure": "a-2",
        "groups": ["validator"],
        "region": "52",
    }
    token = jwt.encode(claims, key, algorithm="RS256")  # type: ignore[arg-type]
    verifier = TokenVerifier(
        issuer="https://sso.region.fr",
        audience="parcours",
        public_key=key.public_key(),  # type: ignore[union-attr]
        agency_claim="structure",
        roles_claim="groups",
        region_claim="region",
    )
    caller = await verifier.verify(token)
    assert caller.agency_id == "a-2" and caller.roles == {Role.VALIDATOR} and caller.region_code == "52"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"exp": datetime.now(UTC) - timedelta(minutes=1)}, jwt.ExpiredSignatureError),
        ({"aud": "someone-else"}, jwt.InvalidAudienceError),
        ({"iss": "an-impostor"}, jwt.InvalidIssuerError),
    ],
)
async def test_expired_or_foreign_tokens_are_refused(change: dict[str, object], error: type[Exception]) -> None:
    key = serialization.load_pem_private_key(PEM, password=None)
    now = datetime.now(UTC)
    claims = {"sub": "s", "iss": "parcours-profiles", "aud": "parcours", "iat": now, "exp": now + timedelta(minutes=5)}
    token = jwt.encode(claims | change, key, algorithm="RS256")  # type: ignore[arg-type]
    verifier = TokenVerifier(issuer="parcours-profiles", audience="parcours", public_key=key.public_key())  # type: ignore[union-attr]
    with pytest.raises(error):
        await verifier.verify(token)
