"""The region's dashboard as an API: the funnel per agency, sector and month, as JSON or CSV, and one month
against the month before and the same month a year before, with the conversion rates. Counts only.
Who may read which agencies is the use case's (`use_cases.dashboard`); here, the words of HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.exceptions import RequestValidationError

from services.console.api.insight_models import Funnel, FunnelRow, MonthComparison
from services.console.deps import DashboardDep
from services.console.domain.comparison import CONVERSIONS, rates, spreadsheet_percent
from services.console.domain.funnel import STAGE_LABELS, BadQuery, Stage, totals
from services.console.use_cases.dashboard import NotForYou, UnknownAgency
from services.kit.domain import Forbidden, NotFound
from services.kit.identity import CurrentCaller
from services.kit.spreadsheet import spreadsheet_csv

router = APIRouter(prefix="/api/console/insights", tags=["dashboard"])


AgencyQuery = Annotated[str | None, Query(description="one agency's id; all you may see when absent")]


@contextmanager
def refusals() -> Iterator[None]:
    """The use case's refusals in the words of HTTP: the one error shape, the field named."""
    try:
        yield
    except NotForYou as refused:
        raise Forbidden(str(refused), code="dashboard_not_for_you") from refused
    except UnknownAgency as unknown:
        raise NotFound(str(unknown), code="agency_not_found", field="agency") from unknown
    except BadQuery as bad:  # answered as FastAPI answers a bad query, the shape the OpenAPI document gives
        raise RequestValidationError([{"loc": ("query", bad.field), "msg": str(bad), "type": "value_error"}]) from bad


async def _funnel(
    dashboard: DashboardDep,
    caller: CurrentCaller,
    agency: AgencyQuery = None,
    since: Annotated[str | None, Query(alias="from", description="first month, YYYY-MM")] = None,
    until: Annotated[str | None, Query(alias="to", description="last month, YYYY-MM")] = None,
    by: Annotated[
        str, Query(description="comma-separated: agency, sector, month, transition (chosen or imposed mobility)")
    ] = "agency,sector,month",
) -> Funnel:
    with refusals():
        reading = await dashboard.funnel(caller, agency, since, until, by)
    return Funnel(
        stages=STAGE_LABELS,
        agencies=reading.agencies,
        rows=[FunnelRow.of(row, reading.agencies) for row in reading.rows],
        totals=totals(reading.rows),
    )


Counted = Annotated[Funnel, Depends(_funnel)]


@router.get("/funnel", summary="Suggestions → introductions → meetings → conventions → outcomes, counted")
async def funnel(counted: Counted) -> Funnel:
    return counted


@router.get("/funnel.csv", summary="The same counts as a spreadsheet (UTF-8, `;`)", response_class=Response)
async def funnel_csv(counted: Counted) -> Response:
    header = [
        "Mois",
        "Structure",
        "Secteur",
        "Mobilité",
        *(STAGE_LABELS[stage] for stage in Stage),
        *(f"{label} (%)" for _, _, label in CONVERSIONS),
    ]
    lines = (
        [
            r.month,
            r.agency_name,
            r.sector_label,
            r.transition_label,
            *(r.counts[stage] for stage in Stage),
            *(spreadsheet_percent(rate) for rate in rates(r.counts)),
        ]
        for r in counted.rows
    )
    return Response(
        spreadsheet_csv(header, lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="parcours-tableau-de-bord.csv"'},
    )


@router.get("/month", summary="One month against the month before and the same month a year before, with the rates")
async def month(
    dashboard: DashboardDep,
    caller: CurrentCaller,
    agency: AgencyQuery = None,
    month: Annotated[str | None, Query(description="the month, YYYY-MM; this month when absent")] = None,
) -> MonthComparison:
    with refusals():
        reading = await dashboard.month(caller, agency, month)
    return MonthComparison.of(reading.agencies, reading.months, reading.comparison)
