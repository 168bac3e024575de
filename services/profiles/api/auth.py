"""Routes for signing in: log in, who am I, the public keys that sign the tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from services.kit.identity import CurrentCaller
from services.profiles.deps import StaffServiceDep, TokenIssuerDep

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
    expires_in: int


@router.post("/auth/login", summary="Exchange e-mail and password for a token")
async def login(body: LoginIn, staff: StaffServiceDep) -> TokenOut:
    signed_in = await staff.sign_in(body.email, body.password)
    if signed_in is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong e-mail or password")
    token, lifetime = signed_in
    return TokenOut(access_token=token, expires_in=lifetime)


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
