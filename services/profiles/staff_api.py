"""Profiles' HTTP routes for staff: log in, who am I, the signing keys, staff accounts of an agency."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field
from pymongo.errors import DuplicateKeyError

from services.contracts.events.profiles import StaffRole
from services.kit.identity import CurrentCaller
from services.profiles.access import CurrentActor
from services.profiles.adapters.agencies import AgencyRepository
from services.profiles.adapters.passwords import hash_password, verify_password
from services.profiles.adapters.staff import StaffRepository
from services.profiles.adapters.tokens import TokenIssuer
from services.profiles.domain import staff as staff_rules

router = APIRouter()


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


class StaffIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "a.martin@ml-nantes.fr",
                    "name": "Alice Martin",
                    "roles": ["counsellor"],
                    "password": "choisir-un-mot-de-passe",
                }
            ]
        }
    )
    email: str = Field(max_length=320)
    name: str = Field(min_length=1, max_length=200)
    roles: list[StaffRole] = Field(min_length=1)
    password: str = Field(description=f"at least {staff_rules.MIN_PASSWORD_LENGTH} characters", max_length=1024)


class StaffOut(BaseModel):
    staff_id: str
    agency_id: str
    email: str
    name: str
    roles: list[StaffRole]
    active: bool

    @classmethod
    def of(cls, member: staff_rules.StaffMember) -> StaffOut:
        return cls(
            staff_id=member.staff_id,
            agency_id=member.agency_id,
            email=member.email,
            name=member.name,
            roles=list(member.roles),
            active=member.active,
        )


def staff_repository(request: Request) -> StaffRepository:
    repo: StaffRepository = request.app.state.staff
    return repo


Staff = Annotated[StaffRepository, Depends(staff_repository)]


@router.post("/auth/login", tags=["authentication"], summary="Exchange e-mail and password for a token")
async def login(body: LoginIn, request: Request, staff: Staff) -> TokenOut:
    found = await staff.credentials(body.email)
    if not verify_password(found[1] if found else None, body.password) or found is None or not found[0].active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong e-mail or password")
    member = found[0]
    agency = await request.app.state.agencies.get(member.agency_id)
    issuer: TokenIssuer = request.app.state.token_issuer
    token, lifetime = issuer.issue(
        member.staff_id,
        {
            "agency_id": member.agency_id,
            "roles": [r.value for r in member.roles],
            "name": member.name,
            "region_code": agency.region_code if agency else "",
        },
    )
    return TokenOut(access_token=token, expires_in=lifetime)


@router.get("/auth/me", tags=["authentication"], summary="The caller, as the token says")
async def me(caller: CurrentCaller) -> dict[str, Any]:
    return {
        "staff_id": caller.staff_id,
        "agency_id": caller.agency_id,
        "region_code": caller.region_code,
        "roles": sorted(caller.roles),
        "name": caller.name,
    }


@router.get("/.well-known/jwks.json", tags=["authentication"], summary="Public keys that sign the tokens")
async def jwks(request: Request) -> dict[str, Any]:
    issuer: TokenIssuer = request.app.state.token_issuer
    return issuer.jwks()


@router.post(
    "/agencies/{agency_id}/staff",
    status_code=status.HTTP_201_CREATED,
    tags=["staff"],
    summary="Create a staff account (operator, or the agency's admin)",
)
async def register_staff(
    agency_id: str, body: StaffIn, actor: CurrentActor, request: Request, staff: Staff
) -> StaffOut:
    agencies: AgencyRepository = request.app.state.agencies
    if not actor.administers(agency_id) or await agencies.get(agency_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no agency {agency_id} that you administer")
    if StaffRole.REGIONAL_COORDINATOR in body.roles and not actor.operator:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an operator appoints regional coordinators")
    try:
        member, event = staff_rules.register(agency_id, body.email, body.name, body.roles, body.password)
    except staff_rules.InvalidStaff as error:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"loc": ["body", error.field], "msg": str(error), "type": "value_error"}],
        ) from error
    try:
        await staff.add(member, hash_password(body.password), event)
    except DuplicateKeyError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{member.email} already has an account") from error
    return StaffOut.of(member)


@router.get("/agencies/{agency_id}/staff", tags=["staff"], summary="The agency's staff accounts")
async def list_staff(agency_id: str, actor: CurrentActor, staff: Staff) -> list[StaffOut]:
    if not actor.administers(agency_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no agency {agency_id} that you administer")
    return [StaffOut.of(m) for m in await staff.of_agency(agency_id)]


@router.post(
    "/agencies/{agency_id}/staff/{staff_id}/deactivate",
    tags=["staff"],
    summary="Close a staff account: it can no longer sign in (operator, or the agency's admin)",
)
async def deactivate_staff(agency_id: str, staff_id: str, actor: CurrentActor, staff: Staff) -> StaffOut:
    member = await staff.get(staff_id)
    if member is None or member.agency_id != agency_id or not actor.administers(agency_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no staff member {staff_id} in an agency you administer")
    if not member.active:
        return StaffOut.of(member)
    closed, event = staff_rules.deactivate(member)
    await staff.save(closed, event)
    return StaffOut.of(closed)
