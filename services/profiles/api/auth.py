"""Routes for signing in: log in, refresh, log out, who am I, the public keys that sign the tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.kit.errors import ApiRefusal
from services.kit.identity import CurrentCaller
from services.kit.rate_limits import LOGIN_RATE_LIMIT
from services.profiles.deps import StaffServiceDep, TokenIssuerDep
from services.profiles.use_cases.staff import Session

WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."

router = APIRouter(tags=["authentication"])


class LoginIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "conseil.nantes@parcours.test", "password": "parcours-demo-2026"}]}
    )
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds the access token lives")
    refresh_token: str = Field(description="for POST /auth/refresh: used once, rotated at each refresh")
    refresh_expires_at: datetime = Field(description="the end of this sign-in: sign in again after")

    @classmethod
    def of(cls, session: Session) -> TokenOut:
        return cls(
            access_token=session.access_token,
            expires_in=session.expires_in,
            refresh_token=session.refresh_token,
            refresh_expires_at=session.refresh_expires_at,
        )


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


@router.post(
    "/auth/login",
    summary="Exchange e-mail and password for an access token and a refresh token",
    dependencies=[LOGIN_RATE_LIMIT],
)
async def login(body: LoginIn, staff: StaffServiceDep) -> TokenOut:
    signed_in = await staff.sign_in(body.email, body.password)
    if signed_in is None:
        raise ApiRefusal(status.HTTP_401_UNAUTHORIZED, "wrong_credentials", WRONG_CREDENTIALS)
    return TokenOut.of(signed_in)


@router.post(
    "/auth/refresh",
    summary="A new access token and a new refresh token for a refresh token (each is used once: a used one "
    "presented again revokes the whole sign-in)",
)
async def refresh(body: RefreshIn, staff: StaffServiceDep) -> TokenOut:
    refreshed = await staff.refresh(body.refresh_token)
    if refreshed is None:
        raise ApiRefusal(
            status.HTTP_401_UNAUTHORIZED,
            "session_ended",
            "Cette session n'est plus valide (expirée, fermée ou déjà renouvelée) : reconnectez-vous.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TokenOut.of(refreshed)


@router.post(
    "/auth/logout", summary="End the sign-in: its refresh tokens are revoked", status_code=204, response_class=Response
)
async def logout(body: RefreshIn, staff: StaffServiceDep) -> Response:
    await staff.sign_out(body.refresh_token)
    return Response(status_code=204)


@router.get("/auth/me", summary="The caller, as the token says")
async def me(caller: CurrentCaller) -> dict[str, Any]:
    return {
        "staff_id": caller.staff_id,
        "agency_id": caller.agency_id,
        "region_code": caller.region_code,
        "roles": sorted(caller.roles),
        "name": caller.name,
    }


@router.get("/.well-known/jwks.json", summary="Public keys that sign the tokens")
async def jwks(issuer: TokenIssuerDep) -> dict[str, Any]:
    return issuer.jwks()
