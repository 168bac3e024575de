"""The operators' routes of matching: run the introductions' sweep now, at a chosen moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.kit.auth import operator_moment, require_operator
from services.matching.deps import GatheringServiceDep, SweepDep

router = APIRouter(tags=["introductions"])  # the sweep is listed with the introductions, and under operations


@router.post(
    "/operations/introductions/sweep",
    dependencies=[Depends(require_operator)],
    tags=["operations"],
    summary="Send due reminders and expire late requests now (it also runs every minute); `as_of` moves the clock",
)
async def sweep(request: Request, job: SweepDep, as_of: Annotated[datetime | None, Query()] = None) -> dict[str, int]:
    return await job.run(operator_moment(request, as_of))


@router.post(
    "/operations/gatherings/sweep",
    dependencies=[Depends(require_operator)],
    tags=["operations", "gatherings"],
    summary="Remind the registered and the witnesses of tomorrow's gatherings now (it also runs every minute)",
)
async def gatherings_sweep(
    request: Request, service: GatheringServiceDep, as_of: Annotated[datetime | None, Query()] = None
) -> dict[str, int]:
    return {"reminded": await service.remind_due(operator_moment(request, as_of))}
