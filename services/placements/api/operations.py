"""The operator's trigger of the scheduler (thin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.kit.auth import operator_moment, require_operator
from services.placements.deps import SchedulerDep

router = APIRouter(tags=["conventions"])


@router.post(
    "/operations/conventions/sweep",
    dependencies=[Depends(require_operator)],
    tags=["operations"],
    summary="Run the scheduler now (reminders, start, end, expiry; it also runs every minute); `as_of` moves the clock",
)
async def sweep(
    request: Request, scheduler: SchedulerDep, as_of: Annotated[datetime | None, Query()] = None
) -> dict[str, int]:
    return await scheduler.sweep(operator_moment(request, as_of))
