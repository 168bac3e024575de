"""Matching's HTTP routes (thin): ranked peers for a beneficiary, with reasons."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel

from services.kit.agency_directory import AgencyDirectory
from services.kit.identity import Caller, CurrentCaller, Role
from services.kit.mongo import Document
from services.matching.adapters.projections import Projections, beneficiary_view
from services.matching.domain.ranking import rank
from services.matching.rematching import Rematcher

router = APIRouter(tags=["suggestions"])


class SuggestionOut(BaseModel):
    peer_id: str
    score: float
    breakdown: dict[str, float]
    reasons: list[str]


async def _own_beneficiary(projections: Projections, beneficiary_id: str, caller: Caller) -> Document:
    """Agency staff only, and only their agency's beneficiaries (404 otherwise, as in profiles)."""
    if not caller.has(Role.COUNSELLOR, Role.VALIDATOR, Role.AGENCY_ADMIN):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a counsellor, validator or agency admin")
    document = await projections.beneficiary(beneficiary_id)
    if document is None or document["agency_id"] != caller.agency_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no beneficiary {beneficiary_id} in your agency")
    return document


@router.get("/beneficiaries/{beneficiary_id}/suggestions", summary="Peers for a beneficiary, best first, with reasons")
async def suggestions(
    beneficiary_id: str,
    caller: CurrentCaller,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SuggestionOut]:
    projections: Projections = request.app.state.projections
    document = await _own_beneficiary(projections, beneficiary_id, caller)
    directory: AgencyDirectory = request.app.state.agency_directory
    agency = await directory.collection.find_one({"_id": document["agency_id"]})
    beneficiary = beneficiary_view(document, agency["region_code"] if agency else caller.region_code)
    dismissed = await projections.dismissed(beneficiary_id)
    ranked = rank(
        beneficiary, await projections.active_peers(), date.today().strftime("%Y-%m"), limit, dismissed=dismissed
    )
    return [
        SuggestionOut(peer_id=s.peer_id, score=s.total, breakdown=s.breakdown, reasons=list(s.reasons)) for s in ranked
    ]


@router.post(
    "/beneficiaries/{beneficiary_id}/suggestions/{peer_id}/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Never suggest this peer to this beneficiary again",
)
async def dismiss(beneficiary_id: str, peer_id: str, caller: CurrentCaller, request: Request) -> None:
    projections: Projections = request.app.state.projections
    await _own_beneficiary(projections, beneficiary_id, caller)
    await projections.dismiss(beneficiary_id, peer_id, caller.staff_id)
    rematcher: Rematcher = request.app.state.rematcher
    await rematcher.refresh(beneficiary_id)  # the list refills without this peer
