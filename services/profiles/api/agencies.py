"""Routes for agencies: register (operator), list the open ones, rename (operator or the agency's admin), close
(operator)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.profiles import AgencyKind
from services.kit.auth import require_operator
from services.profiles.deps import AgencyServiceDep, CurrentOperatorOrStaff
from services.profiles.domain.access import OperatorOrStaff
from services.profiles.domain.agency import Agency, AgencyStatus

router = APIRouter(tags=["agencies"])


class AgencyIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Mission locale de Nantes", "kind": "mission_locale", "region_code": "52"}]
        }
    )
    name: str = Field(description="required, unique among the region's open agencies; no control character")
    kind: AgencyKind
    region_code: str = Field(pattern=r"^\d{2}$", description="INSEE region code: 52 is Pays de la Loire")
    places_served: list[str] = Field(default_factory=list, description="place ids from /reference/places")


class AgencyRename(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Mission locale Nantes Métropole"}]})
    name: str = Field(description="required, unique among the region's open agencies; no control character")


class AgencyOut(BaseModel):
    agency_id: str
    name: str
    kind: AgencyKind
    region_code: str
    places_served: list[str]
    status: AgencyStatus
    version: int

    @classmethod
    def of(cls, agency: Agency) -> AgencyOut:
        return cls(
            agency_id=agency.agency_id,
            name=agency.name,
            kind=agency.kind,
            region_code=agency.region_code,
            places_served=list(agency.places_served),
            status=agency.status,
            version=agency.version,
        )


@router.post(
    "/agencies",
    status_code=status.HTTP_201_CREATED,
    summary="Register an agency of the region (operator)",
    dependencies=[Depends(require_operator)],
)
async def register_agency(body: AgencyIn, agencies: AgencyServiceDep) -> AgencyOut:
    return AgencyOut.of(await agencies.register(body.name, body.kind, body.region_code, tuple(body.places_served)))


@router.get("/agencies", summary="List the open agencies")
async def list_agencies(agencies: AgencyServiceDep, actor: CurrentOperatorOrStaff) -> list[AgencyOut]:
    return [AgencyOut.of(a) for a in await agencies.all()]


@router.patch("/agencies/{agency_id}", summary="Rename an agency (operator, or the agency's admin)")
async def rename_agency(
    agency_id: str, body: AgencyRename, agencies: AgencyServiceDep, actor: CurrentOperatorOrStaff
) -> AgencyOut:
    return AgencyOut.of(await agencies.rename(agency_id, body.name, actor))


@router.post(
    "/agencies/{agency_id}/close",
    summary="Close an agency for good (operator): its accounts are closed, it leaves every list",
    dependencies=[Depends(require_operator)],
)
async def close_agency(agency_id: str, agencies: AgencyServiceDep) -> AgencyOut:
    return AgencyOut.of(await agencies.close(agency_id, OperatorOrStaff(operator=True)))
