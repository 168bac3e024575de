"""The region's dashboard as an API: the funnel per agency, sector and month, as JSON or CSV. Counts only.
Who may read which agencies is the use case's (`use_cases.dashboard`); here, the words of HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from services.console.deps import DashboardDep
from services.console.domain.funnel import SECTOR_LABELS, STAGE_LABELS, BadQuery, Row, Stage, totals
from services.console.use_cases.dashboard import NotForYou, UnknownAgency
from services.kit.domain import Forbidden, NotFound
from services.kit.identity import CurrentCaller
from services.kit.spreadsheet import spreadsheet_csv

router = APIRouter(prefix="/api/console/insights", tags=["dashboard"])


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


async def _funnel(
    dashboard: DashboardDep,
    caller: CurrentCaller,
    agency: Annotated[str | None, Query(description="one agency's id; all you may see when absent")] = None,
    since: Annotated[str | None, Query(alias="from", description="first month, YYYY-MM")] = None,
    until: Annotated[str | None, Query(alias="to", description="last month, YYYY-MM")] = None,
    by: Annotated[str, Query(description="comma-separated: agency, sector, month")] = "agency,sector,month",
) -> Funnel:
    try:
        reading = await dashboard.funnel(caller, agency, since, until, by)
    except NotForYou as refused:
        raise Forbidden(str(refused), code="dashboard_not_for_you") from refused
    except UnknownAgency as unknown:
        raise NotFound(str(unknown), code="agency_not_found", field="agency") from unknown
    except BadQuery as bad:  # answered as FastAPI answers a bad query, the shape the OpenAPI document gives
        raise RequestValidationError([{"loc": ("query", bad.field), "msg": str(bad), "type": "value_error"}]) from bad
    return Funnel(
        stages=STAGE_LABELS,
        agencies=reading.agencies,
        rows=[_row(row, reading.agencies) for row in reading.rows],
        totals=totals(reading.rows),
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
