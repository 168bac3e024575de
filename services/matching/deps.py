"""Request -> component: the use cases the composition root put on the app's state, and the checks that a
caller's agency owns what a route names (404 otherwise, as in profiles). Routes call the owner checks
themselves, after FastAPI read their body, so that a bad body is answered 422 first as it always was."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.kit.domain import NotFound
from services.kit.identity import Caller
from services.kit.mongo import Document
from services.matching.adapters.peer_directory import PeerDirectory
from services.matching.domain.introduction import Introduction
from services.matching.use_cases.gatherings import GatheringService
from services.matching.use_cases.introductions import IntroductionService
from services.matching.use_cases.suggestions import SuggestionService
from services.matching.use_cases.sweep import Sweep


def introduction_service(request: Request) -> IntroductionService:
    service: IntroductionService = request.app.state.introductions
    return service


def suggestion_service(request: Request) -> SuggestionService:
    service: SuggestionService = request.app.state.suggestions
    return service


def gathering_service(request: Request) -> GatheringService:
    service: GatheringService = request.app.state.gatherings
    return service


def sweep(request: Request) -> Sweep:
    job: Sweep = request.app.state.sweep
    return job


def peer_directory(request: Request) -> PeerDirectory:
    directory: PeerDirectory = request.app.state.peer_directory
    return directory


def link_key(request: Request) -> str:
    return str(request.app.state.link_key)


IntroductionServiceDep = Annotated[IntroductionService, Depends(introduction_service)]
SuggestionServiceDep = Annotated[SuggestionService, Depends(suggestion_service)]
SweepDep = Annotated[Sweep, Depends(sweep)]
GatheringServiceDep = Annotated[GatheringService, Depends(gathering_service)]
LinkKey = Annotated[str, Depends(link_key)]
PeerDirectoryDep = Annotated[PeerDirectory, Depends(peer_directory)]


async def own_beneficiary(suggestions: SuggestionService, beneficiary_id: str, caller: Caller) -> Document:
    """Only the caller's agency's beneficiaries."""
    document = await suggestions.beneficiary(beneficiary_id)
    if document is None or document["agency_id"] != caller.agency_id:
        raise NotFound(
            "Ce bénéficiaire n'existe pas ou ne fait pas partie de votre agence.", code="beneficiary_not_found"
        )
    return document


async def own_introduction(introductions: IntroductionService, introduction_id: str, caller: Caller) -> Introduction:
    """Only the caller's agency's introductions."""
    try:
        introduction = await introductions.get(introduction_id)
    except NotFound:
        introduction = None
    if introduction is None or introduction.agency_id != caller.agency_id:
        raise NotFound(
            "Cette mise en relation n'existe pas ou ne concerne pas votre agence.", code="introduction_not_found"
        )
    return introduction
