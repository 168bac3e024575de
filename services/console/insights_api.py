"""The region's dashboard as an API: the funnel per agency, sector and month, as JSON or CSV. Counts only.
Regional coordinators see every agency of their region; an agency's administrator sees their agency."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, Field

from services.console.domain.funnel import SECTOR_LABELS, STAGE_LABELS, Grouping, Row, Stage, table, totals
from services.console.insights import Insights
from services.kit.identity import CurrentCaller, Role
from services.kit.spreadsheet import spreadsheet_csv

router = APIRouter(prefix="/insights", tags=["dashboard"])
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class FunnelRow(BaseModel):
    agency_id: str
    agency_name: str
    sector: str
    sector_label: str
    month: str
    counts: dict[Stage, int]


class Funnel(BaseModel):
    stages: dict[Stage, str]
    agencies: dict[str, str] = Field(description="every agency the caller may count (for a choice of one)")
    rows: list[FunnelRow]
    totals: dict[Stage, int]


async def _agencies(request: Request, caller: CurrentCaller) -> dict[str, str]:
    """The agencies the caller may count, by id, with their names."""
    known = await request.app.state.agency_directory.all()
    if caller.has(Role.REGIONAL_COORDINATOR):
        return {a["_id"]: a["name"] for a in known if a.get("region_code") == caller.region_code}
    if caller.has(Role.AGENCY_ADMIN):
        return {a["_id"]: a["name"] for a in known if a["_id"] == caller.agency_id}
    raise HTTPException(
        status.HTTP_403_FORBIDDEN, "the dashboard is for regional coordinators and agency administrators"
    )


def _months(since: str | None, until: str | None) -> tuple[str, str] | None:
    for value in (since, until):
        if value is not None and not MONTH.match(value):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"months are written YYYY-MM, not {value!r}")
    if since is None and until is None:
        return None
    return since or "0000-01", until or "9999-12"


async def _funnel(
    request: Request,
    caller: CurrentCaller,
    agency: Annotated[str | None, Query(description="one agency's id; all you may see when absent")] = None,
    since: Annotated[str | None, Query(alias="from", description="first month, YYYY-MM")] = None,
    until: Annotated[str | None, Query(alias="to", description="last month, YYYY-MM")] = None,
    by: Annotated[str, Query(description="comma-separated: agency, sector, month")] = "agency,sector,month",
) -> Funnel:
    agencies = await _agencies(request, caller)
    if agency is not None and agency not in agencies:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such agency among those you may see")
    counted_agencies = [agency] if agency is not None else sorted(agencies)
    unknown = set(by.split(",")) - {"agency", "sector", "month", ""}
    if unknown:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"group by agency, sector or month, not {unknown}")
    grouping = Grouping("agency" in by, "sector" in by, "month" in by)
    insights: Insights = request.app.state.insights
    rows = table(await insights.store.counted(counted_agencies, _months(since, until)), grouping)
    return Funnel(
        stages=STAGE_LABELS,
        agencies=agencies,
        rows=[_row(row, agencies) for row in rows],
        totals=totals(rows),
    )


def _row(row: Row, agencies: dict[str, str]) -> FunnelRow:
    return FunnelRow(
        agency_id=row.agency_id,
        agency_name=agencies.get(row.agency_id, "Toutes les structures"),
        sector=row.sector,
        sector_label=SECTOR_LABELS.get(row.sector, "Tous les secteurs"),
        month=row.month,
        counts=row.counts,
    )


Counted = Annotated[Funnel, Depends(_funnel)]


@router.get("/funnel", summary="Suggestions → introductions → meetings → conventions → outcomes, counted")
async def funnel(counted: Counted) -> Funnel:
    return counted


@router.get("/funnel.csv", summary="The same counts as a spreadsheet (UTF-8, `;`)", response_class=Response)
async def funnel_csv(counted: Counted) -> Response:
    header = ["Mois", "Structure", "Secteur", *(STAGE_LABELS[stage] for stage in Stage)]
    lines = ([r.month, r.agency_name, r.sector_label, *(r.counts[stage] for stage in Stage)] for r in counted.rows)
    return Response(
        spreadsheet_csv(header, lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="parcours-tableau-de-bord.csv"'},
    )
