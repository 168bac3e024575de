"""Who is calling: verifies the bearer token that every service trusts (RS256, keys published as a JWKS
by profiles, or by an external OpenID Connect issuer set in settings), refuses the token of an account
closed since (`ClosedAccounts`), and gives routes the caller's agency and role. Refusals are in French."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Protocol

import jwt
from fastapi import Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pymongo.errors import PyMongoError

from services.kit.errors import ApiRefusal
from services.kit.signing_keys import SigningKeys, SigningKeysUnavailable

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
        jwks_refetch_seconds: float = 30.0,
    ) -> None:
        self.issuer, self.audience = issuer, audience
        self.public_key = public_key
        self.keys = SigningKeys(jwks_url, refetch_seconds=jwks_refetch_seconds) if jwks_url else None
        self.agency_claim, self.roles_claim, self.region_claim = agency_claim, roles_claim, region_claim

    async def verify(self, token: str) -> Caller:
        if self.public_key is not None:
            key = self.public_key
        elif self.keys is not None:
            key = await self.keys.key_for(jwt.get_unverified_header(token).get("kid"))
        else:
            raise jwt.InvalidTokenError("no key to verify tokens with")
        return self.decode(token, key)

    def decode(self, token: str, key: Any) -> Caller:
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


class ClosedAccounts(Protocol):
    """Whether a staff account was closed: its tokens are refused from then on, whatever their expiry."""

    async def is_closed(self, staff_id: str) -> bool: ...


def unauthorized(message: str, code: str = "invalid_token") -> ApiRefusal:
    return ApiRefusal(status.HTTP_401_UNAUTHORIZED, code, message, headers={"WWW-Authenticate": "Bearer"})


def unavailable(code: str = "unavailable", message: str | None = None) -> ApiRefusal:
    return ApiRefusal(status.HTTP_503_SERVICE_UNAVAILABLE, code, message or UNAVAILABLE)


NO_TOKEN = "Connexion requise : envoyez le jeton obtenu par POST /auth/login sur profiles."
INVALID_TOKEN = "Jeton invalide ou expiré : reconnectez-vous."
CLOSED_ACCOUNT = "Ce compte a été fermé : ses jetons ne sont plus acceptés."
UNAVAILABLE = "Le service est momentanément indisponible : réessayez dans un instant."


async def caller_of_token(request: Request, token: str) -> Caller:
    """The caller a bearer token names, once its signature, expiry and account are checked."""
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        caller = await verifier.verify(token)
    except SigningKeysUnavailable as error:
        raise unavailable(
            "signing_keys_unavailable",
            "Les clés de signature des jetons sont momentanément illisibles : réessayez dans un instant.",
        ) from error
    except (jwt.InvalidTokenError, ValueError) as error:
        raise unauthorized(INVALID_TOKEN) from error
    await refuse_closed(request, caller.staff_id)
    return caller


async def refuse_closed(request: Request, staff_id: str) -> None:
    accounts: ClosedAccounts | None = getattr(request.app.state, "closed_accounts", None)
    if accounts is None:
        return
    try:
        closed = await accounts.is_closed(staff_id)
    except PyMongoError as error:  # not knowing, refuse: a 503 the caller may try again
        raise unavailable() from error
    if closed:
        raise unauthorized(CLOSED_ACCOUNT, "account_closed")


async def current_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    if credentials is None:
        raise unauthorized(NO_TOKEN, "token_required")
    return await caller_of_token(request, credentials.credentials)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require(*roles: Role) -> Any:
    """A dependency that lets through callers holding one of `roles`."""

    def check(caller: CurrentCaller) -> Caller:
        if not caller.has(*roles):
            names = " ou ".join(ROLE_NAMES[r] for r in sorted(roles))
            raise ApiRefusal(status.HTTP_403_FORBIDDEN, "role_required", f"Cette action est réservée au rôle {names}.")
        return caller

    return Depends(check)


ROLE_NAMES: dict[Role, str] = {
    Role.COUNSELLOR: "« conseiller »",
    Role.VALIDATOR: "« valideur »",
    Role.AGENCY_ADMIN: "« administrateur de l'agence »",
    Role.REGIONAL_COORDINATOR: "« coordinateur régional »",
}

AGENCY_ROLES = (Role.COUNSELLOR, Role.VALIDATOR, Role.AGENCY_ADMIN)

# the role aliases routes declare their caller with: one meaning each, the same in every service
AgencyStaff = Annotated[Caller, require(*AGENCY_ROLES)]  # works with one agency's people and records
Counsellor = Annotated[Caller, require(Role.COUNSELLOR)]
AgencyAdmin = Annotated[Caller, require(Role.AGENCY_ADMIN)]
