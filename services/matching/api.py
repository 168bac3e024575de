"""Matching's HTTP routes for counsellors (thin): ranked peers for a beneficiary with reasons, dismissal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel

from services.contracts.events.matching import SuggestionDismissedV1
from services.kit.identity import AgencyStaff, Caller
from services.kit.mongo import Document
from services.matching.adapters.projections import Projections
from services.matching.domain.model import BeneficiaryView
from services.matching.domain.ranking import rank
from services.matching.domain.score import Scored
from services.matching.events import event
from services.matching.introductions import IntroductionDesk
from services.matching.memory import Memory
from services.matching.rematching import TOPIC, Rematcher

router = APIRouter(tags=["suggestions"])


class SuggestionOut(BaseModel):
    peer_id: str
    score: float
    breakdown: dict[str, float]
    reasons: list[str]


async def own_beneficiary(request: Request, beneficiary_id: str, caller: Caller) -> Document:
    """Only the caller's agency's beneficiaries (404 otherwise, as in profiles)."""
    projections: Projections = request.app.state.projections
    document = await projections.beneficiary(beneficiary_id)
    if document is None or document["agency_id"] != caller.agency_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no beneficiary {beneficiary_id} in your agency")
    return document


@router.get("/beneficiaries/{beneficiary_id}/suggestions", summary="Peers for a beneficiary, best first, with reasons")
async def suggestions(
    beneficiary_id: str,
    caller: AgencyStaff,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SuggestionOut]:
    document = await own_beneficiary(request, beneficiary_id, caller)
    rematcher: Rematcher = request.app.state.rematcher
    memory: Memory = request.app.state.memory
    projections: Projections = request.app.state.projections
    desk: IntroductionDesk = request.app.state.introductions
    # what another instance did a moment ago may not have reached this one's memory yet: the beneficiary's
    # dismissals and the bookings of the peers about to be shown are read from the database
    for peer_id in await projections.dismissed_for(beneficiary_id):
        memory.dismiss(beneficiary_id, peer_id)
    beneficiary = rematcher.view(document)
    ranked = _ranked(memory, beneficiary, rematcher.today(), limit)
    if ranked and await desk.follow_behind([s.peer_id for s in ranked], rematcher.today()):
        ranked = _ranked(memory, beneficiary, rematcher.today(), limit)
    return [
        SuggestionOut(peer_id=s.peer_id, score=s.total, breakdown=s.breakdown, reasons=list(s.reasons)) for s in ranked
    ]


def _ranked(memory: Memory, beneficiary: BeneficiaryView, today: str, limit: int) -> list[Scored]:
    context = memory.context(beneficiary, today)
    return rank(beneficiary, memory.peers.pool(beneficiary, context, limit), context, limit)


@router.post(
    "/beneficiaries/{beneficiary_id}/suggestions/{peer_id}/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Never suggest this peer to this beneficiary again",
)
async def dismiss(beneficiary_id: str, peer_id: str, caller: AgencyStaff, request: Request) -> None:
    document = await own_beneficiary(request, beneficiary_id, caller)
    projections: Projections = request.app.state.projections
    await projections.dismiss(beneficiary_id, peer_id, caller.staff_id)
    memory: Memory = request.app.state.memory
    memory.dismiss(beneficiary_id, peer_id)
    payload = SuggestionDismissedV1(
        beneficiary_id=beneficiary_id, agency_id=document["agency_id"], peer_id=peer_id, staff_id=caller.staff_id
    )
    rematcher: Rematcher = request.app.state.rematcher
    # written with the list it changes (refresh gives it the list's next version); the list refills without the peer
    dismissed = event("matching.suggestion.dismissed", "suggestion", beneficiary_id, 1, document["agency_id"], payload)
    await rematcher.refresh(beneficiary_id, [(dismissed, TOPIC)])
