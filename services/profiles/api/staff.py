"""Routes for an agency's staff accounts: open one, list them, close one (operator, or the agency's admin)."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.profiles import StaffRole
from services.profiles.deps import CurrentOperatorOrStaff, StaffServiceDep
from services.profiles.domain.staff import MIN_PASSWORD_LENGTH, StaffMember

router = APIRouter(tags=["staff"])


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
    password: str = Field(description=f"at least {MIN_PASSWORD_LENGTH} characters", max_length=1024)


class StaffOut(BaseModel):
    staff_id: str
    agency_id: str
    email: str
    name: str
    roles: list[StaffRole]
    active: bool

    @classmethod
    def of(cls, member: StaffMember) -> StaffOut:
        return cls(
            staff_id=member.staff_id,
            agency_id=member.agency_id,
            email=member.email,
            name=member.name,
            roles=list(member.roles),
            active=member.active,
        )


@router.post(
    "/agencies/{agency_id}/staff",
    status_code=status.HTTP_201_CREATED,
    summary="Create a staff account (operator, or the agency's admin)",
)
async def register_staff(
    agency_id: str, body: StaffIn, actor: CurrentOperatorOrStaff, staff: StaffServiceDep
) -> StaffOut:
    member = await staff.open_account(agency_id, body.email, body.name, body.roles, body.password, actor)
    return StaffOut.of(member)


@router.get("/agencies/{agency_id}/staff", summary="The agency's staff accounts")
async def list_staff(agency_id: str, actor: CurrentOperatorOrStaff, staff: StaffServiceDep) -> list[StaffOut]:
    return [StaffOut.of(m) for m in await staff.of_agency(agency_id, actor)]


@router.post(
    "/agencies/{agency_id}/staff/{staff_id}/deactivate",
    summary="Close a staff account: it can no longer sign in (operator, or the agency's admin)",
)
async def deactivate_staff(
    agency_id: str, staff_id: str, actor: CurrentOperatorOrStaff, staff: StaffServiceDep
) -> StaffOut:
    return StaffOut.of(await staff.deactivate(agency_id, staff_id, actor))
