"""Profiles' HTTP routes (thin): agencies. People, peers and paths come with the profiles issue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.profiles import AgencyKind
from services.kit.auth import require_operator
from services.kit.outbox import ConcurrentUpdate
from services.profiles.access import CurrentActor
from services.profiles.adapters.agencies import AgencyRepository
from services.profiles.domain import agency as agencies

router = APIRouter(tags=["agencies"])


class AgencyIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Mission locale de Nantes", "kind": "mission_locale", "region_code": "52"}]
        }
    )
    name: str = Field(min_length=1, max_length=200)
    kind: AgencyKind
    region_code: str = Field(pattern=r"^\d{2}$", description="INSEE region code: 52 is Pays de la Loire")
    places_served: list[str] = Field(default_factory=list, description="place ids from /reference/places")


class AgencyRename(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class AgencyOut(BaseModel):
    agency_id: str
    name: str
    kind: AgencyKind
    region_code: str
    places_served: list[str]
    version: int

    @classmethod
    def of(cls, agency: agencies.Agency) -> AgencyOut:
        return cls(
            agency_id=agency.agency_id,
            name=agency.name,
            kind=agency.kind,
            region_code=agency.region_code,
            places_served=list(agency.places_served),
            version=agency.version,
        )


def repository(request: Request) -> AgencyRepository:
    repo: AgencyRepository = request.app.state.agencies
    return repo


Repository = Annotated[AgencyRepository, Depends(repository)]


@router.post(
    "/agencies",
    status_code=status.HTTP_201_CREATED,
    summary="Register an agency of the region (operator)",
    dependencies=[Depends(require_operator)],
)
async def register_agency(body: AgencyIn, repo: Repository) -> AgencyOut:
    try:
        agency, event = agencies.register(
            body.name, body.kind, body.region_code, places_served=tuple(body.places_served)
        )
    except agencies.InvalidAgency as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    await repo.add(agency, event)
    return AgencyOut.of(agency)


@router.get("/agencies", summary="List the agencies")
async def list_agencies(repo: Repository, actor: CurrentActor) -> list[AgencyOut]:
    return [AgencyOut.of(a) for a in await repo.all()]


@router.patch("/agencies/{agency_id}", summary="Rename an agency (operator, or the agency's admin)")
async def rename_agency(agency_id: str, body: AgencyRename, repo: Repository, actor: CurrentActor) -> AgencyOut:
    current = await repo.get(agency_id)
    if current is None or not actor.administers(agency_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no agency {agency_id}")
    try:
        renamed, event = agencies.rename(current, body.name)
        await repo.save(renamed, event)
    except agencies.InvalidAgency as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    except ConcurrentUpdate as error:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{error}; read it again and retry") from error
    return AgencyOut.of(renamed)
