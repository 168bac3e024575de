"""Suggestions, for counsellors: ranked peers for a beneficiary with reasons, and dismissing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from services.kit.identity import AgencyStaff
from services.matching.deps import SuggestionServiceDep, own_beneficiary

router = APIRouter(tags=["suggestions"])


class SuggestionOut(BaseModel):
    peer_id: str
    score: float
    breakdown: dict[str, float]
    reasons: list[str]


@router.get("/beneficiaries/{beneficiary_id}/suggestions", summary="Peers for a beneficiary, best first, with reasons")
async def suggestions(
    beneficiary_id: str,
    caller: AgencyStaff,
    service: SuggestionServiceDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SuggestionOut]:
    document = await own_beneficiary(service, beneficiary_id, caller)
    return [
        SuggestionOut(peer_id=s.peer_id, score=s.total, breakdown=s.breakdown, reasons=list(s.reasons))
        for s in await service.ranked(document, limit)
    ]


@router.post(
    "/beneficiaries/{beneficiary_id}/suggestions/{peer_id}/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Never suggest this peer to this beneficiary again",
)
async def dismiss(beneficiary_id: str, peer_id: str, caller: AgencyStaff, service: SuggestionServiceDep) -> None:
    document = await own_beneficiary(service, beneficiary_id, caller)
    await service.dismiss(document, peer_id, caller.staff_id)
