"""Matching's HTTP routes, one module per resource group, and how refusals become HTTP answers."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from services.kit.http import answer_invalid_input, error_response
from services.kit.outbox import ConcurrentUpdate
from services.matching.api import internal, introductions, meetings, operations, peer_links, suggestions
from services.matching.domain.actor import NotYours
from services.matching.domain.introduction import RefusedTransition
from services.matching.use_cases.introductions import NotFound, Refused
from services.matching.use_cases.suggestions import UnknownPeer

ROUTERS: tuple[APIRouter, ...] = (
    suggestions.router,
    introductions.router,
    meetings.router,
    operations.router,
    peer_links.router,
    internal.router,
)


def add_error_handlers(app: FastAPI) -> None:
    async def conflict(request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, ConcurrentUpdate):
            return error_response(409, "this introduction changed meanwhile: read it again and retry")
        return error_response(409, str(error))

    async def missing(request: Request, error: Exception) -> JSONResponse:
        return error_response(404, f"no introduction {error}")

    async def unknown_peer(request: Request, error: Exception) -> JSONResponse:
        return error_response(404, "Ce pair est inconnu, retiré, ou invisible pour l'agence de ce bénéficiaire.")

    answer_invalid_input(app)
    app.add_exception_handler(UnknownPeer, unknown_peer)
    for refused in (Refused, RefusedTransition, NotYours, ConcurrentUpdate):
        app.add_exception_handler(refused, conflict)
    app.add_exception_handler(NotFound, missing)
