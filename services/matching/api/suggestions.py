"""Suggestions, for counsellors: ranked peers for a beneficiary with reasons, and dismissing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from services.kit.identity import AgencyStaff
from services.matching.deps import SuggestionServiceDep, own_beneficiary

router = APIRouter(tags=["suggestions"])


class SuggestionOut(BaseModel):
    peer_id: str
    score: float
    breakdown: dict[str, float]
    reasons: list[str]
    note: str = Field(description="why the list placed the peer above a better score, if it did")
    town: str = Field(description="the peer's town, empty if they gave none")
    distance_km: int | None = Field(description="from the beneficiary's town, as the crow flies")
    meeting_modes: list[str] = Field(description="how the peer meets: in_person, company_visit, video, phone")
    shared_modes: list[str] = Field(description="those of the peer's modes the beneficiary accepts")


@router.get("/beneficiaries/{beneficiary_id}/suggestions", summary="Peers for a beneficiary, best first, with reasons")
async def suggestions(
    beneficiary_id: str,
    caller: AgencyStaff,
    service: SuggestionServiceDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SuggestionOut]:
    document = await own_beneficiary(service, beneficiary_id, caller)
    return [
        SuggestionOut(
            peer_id=c.scored.peer_id,
            score=c.scored.total,
            breakdown=c.scored.breakdown,
            reasons=list(c.scored.reasons),
            note=c.scored.note,
            town=c.town,
            distance_km=c.distance_km,
            meeting_modes=list(c.meeting_modes),
            shared_modes=list(c.shared_modes),
        )
        for c in await service.cards(document, limit)
    ]


@router.post(
    "/beneficiaries/{beneficiary_id}/suggestions/{peer_id}/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Never suggest this peer to this beneficiary again",
)
async def dismiss(beneficiary_id: str, peer_id: str, caller: AgencyStaff, service: SuggestionServiceDep) -> None:
    document = await own_beneficiary(service, beneficiary_id, caller)
    await service.dismiss(document, peer_id, caller.staff_id)
