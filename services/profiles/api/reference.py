"""Routes for reference data in forms: ROME jobs, NAF sectors, French places (any signed-in staff member)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.kit.domain import NotFound
from services.kit.identity import CurrentCaller
from services.reference import jobs, labels, places

router = APIRouter(prefix="/reference", tags=["reference data"])


class JobOut(BaseModel):
    code: str
    label: str
    domain: str
    sectors: list[str]


class SectorOut(BaseModel):
    code: str
    label: str


class PlaceOut(BaseModel):
    place_id: str
    name: str
    region: str
    region_code: str
    latitude: float
    longitude: float
    population: int


def _job(job: jobs.Job) -> JobOut:
    return JobOut(code=job.code, label=job.label, domain=job.domain, sectors=list(jobs.sectors_of(job.code)))


@router.get("/jobs", summary="Search ROME job sheets by code or words (accents ignored)")
async def search_jobs(
    caller: CurrentCaller,
    q: Annotated[str, Query(min_length=1, examples=["developpeur web", "M18"])],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[JobOut]:
    return [_job(j) for j in jobs.search_jobs(q, limit)]


@router.get("/jobs/{code}", summary="One ROME job sheet")
async def get_job(code: str, caller: CurrentCaller) -> JobOut:
    job = jobs.job(code)
    if job is None:
        raise NotFound(f"Aucune fiche métier ROME ne porte le code {code}.", code="job_not_found")
    return _job(job)


@router.get("/sectors", summary="NAF divisions (2-digit activity sectors)")
async def list_sectors(caller: CurrentCaller) -> list[SectorOut]:
    return [SectorOut(code=s.code, label=s.label) for s in jobs.all_sectors()]


@router.get("/places", summary="Place autocomplete: name -> coordinates, largest first")
async def search_places(
    caller: CurrentCaller,
    q: Annotated[str, Query(min_length=1, examples=["saint-naz"])],
    region_code: Annotated[str | None, Query(pattern=r"^\d{2}$", examples=["52"])] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[PlaceOut]:
    return [PlaceOut(**vars(p)) for p in places.autocomplete(q, region_code, limit)]


@router.get("/places/{place_id}", summary="One place, by its id")
async def get_place(place_id: str, caller: CurrentCaller) -> PlaceOut:
    found = places.place(place_id)
    if found is None:
        raise NotFound("Ce lieu est inconnu.", code="place_not_found", field="place_id")
    return PlaceOut(**vars(found))


@router.get("/labels", summary="What people read for ROME jobs, NAF sectors and places, by their codes")
async def get_labels(
    caller: CurrentCaller,
    jobs_: Annotated[list[str], Query(alias="jobs", max_length=100, examples=[["M1855"]])] = [],  # noqa: B006
    sectors: Annotated[list[str], Query(max_length=100, examples=[["62"]])] = [],  # noqa: B006
    places_: Annotated[list[str], Query(alias="places", max_length=100, examples=[["2990969"]])] = [],  # noqa: B006
) -> labels.Labels:
    """An unknown code reads as itself."""
    return labels.of_codes(jobs_, sectors, places_)
