"""Who is calling: verifies the bearer token that every service trusts (RS256, keys published as a JWKS
by profiles, or by an external OpenID Connect issuer set in settings) and gives routes the caller's
agency and role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

_bearer = HTTPBearer(auto_error=False, description="a token from POST /auth/login on profiles")


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    VALIDATOR = "validator"
    AGENCY_ADMIN = "agency_admin"
    REGIONAL_COORDINATOR = "regional_coordinator"


@dataclass(frozen=True)
class Caller:
    staff_id: str
    agency_id: str
    region_code: str
    roles: frozenset[Role]
    name: str = ""
    expires_at: datetime | None = None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class TokenVerifier:
    """Checks signature, issuer, audience and expiry; keys come from a JWKS URL or a given public key."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str = "",
        public_key: Any = None,
        agency_claim: str = "agency_id",
        roles_claim: str = "roles",
        region_claim: str = "region_code",
    ) -> None:
        self.issuer, self.audience = issuer, audience
        self.public_key = public_key
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5) if jwks_url else None
        self.agency_claim, self.roles_claim, self.region_claim = agency_claim, roles_claim, region_claim

    def verify(self, token: str) -> Caller:
        if self.public_key is not None:
            key = self.public_key
        elif self.jwks is not None:
            key = self.jwks.get_signing_key_from_jwt(token).key
        else:
            raise jwt.InvalidTokenError("no key to verify tokens with")
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=self.audience,
            issuer=self.issuer,
            options={"require": ["exp", "iat", "sub"]},
        )
        roles = claims.get(self.roles_claim) or []
        return Caller(
            staff_id=str(claims["sub"]),
            agency_id=str(claims.get(self.agency_claim, "")),
            region_code=str(claims.get(self.region_claim, "")),
            roles=frozenset(Role(r) for r in roles if r in Role._value2member_map_),
            name=str(claims.get("name", "")),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )


def current_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    unauthorized = HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "a valid bearer token is required (POST /auth/login on profiles)",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if credentials is None:
        raise unauthorized
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return verifier.verify(credentials.credentials)
    except jwt.PyJWKClientError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"cannot fetch the signing keys: {error}") from error
    except (jwt.InvalidTokenError, ValueError) as error:
        unauthorized.detail = f"invalid token: {error}"
        raise unauthorized from error


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require(*roles: Role) -> Any:
    """A dependency that lets through callers holding one of `roles`."""

    def check(caller: CurrentCaller) -> Caller:
        if not caller.has(*roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs one of the roles: {', '.join(sorted(roles))}")
        return caller

    return Depends(check)


AGENCY_ROLES = (Role.COUNSELLOR, Role.VALIDATOR, Role.AGENCY_ADMIN)

# the role aliases routes declare their caller with: one meaning each, the same in every service
AgencyStaff = Annotated[Caller, require(*AGENCY_ROLES)]  # works with one agency's people and records
Counsellor = Annotated[Caller, require(Role.COUNSELLOR)]
AgencyAdmin = Annotated[Caller, require(Role.AGENCY_ADMIN)]
