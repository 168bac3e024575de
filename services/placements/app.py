"""The composition root of the placements service."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.kit.consumer_service import build_consumer_app
from services.kit.http import answer_invalid_input, error_response
from services.kit.messaging import EventRouter
from services.kit.outbox import ConcurrentUpdate
from services.kit.settings import LinkSigningSettings
from services.placements import handlers
from services.placements.adapters.conventions import CONVENTIONS, Conventions, NotFound, prepare_database
from services.placements.adapters.indexes import INDEXES
from services.placements.adapters.projections import Projections
from services.placements.api import ROUTERS
from services.placements.domain.convention import Refused
from services.placements.domain.lifecycle import NotYours, RefusedTransition
from services.placements.domain.party_links import LinkRefused
from services.placements.use_cases.agency_settings import AgencySettings
from services.placements.use_cases.conventions import ConventionService, UnknownBeneficiary
from services.placements.use_cases.documents import Documents
from services.placements.use_cases.erasure import Erasure
from services.placements.use_cases.party_links import PartyLinks
from services.placements.use_cases.scheduler import Scheduler


class PlacementsSettings(LinkSigningSettings):
    service_name: str = "placements"
    http_port: int = Field(default=8003, ge=1, le=65535)
    scheduler_seconds: float = Field(default=60, gt=0, description="how often reminders and time's steps are checked")


def add_error_handlers(app: FastAPI) -> None:
    async def refused(request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, RefusedTransition):
            body = {"detail": str(error), "status": error.current, "allowed": list(error.allowed)}
            return JSONResponse(body, status_code=403 if isinstance(error, NotYours) else 409)
        if isinstance(error, ConcurrentUpdate):
            return error_response(409, "this convention changed meanwhile: read it again and retry")
        return error_response(409, str(error))

    async def missing(request: Request, error: Exception) -> JSONResponse:
        return error_response(404, str(error) if isinstance(error, UnknownBeneficiary) else f"no convention {error}")

    async def link_refused(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, LinkRefused)
        return error_response(error.status_code, str(error))

    answer_invalid_input(app)
    for kind in (Refused, RefusedTransition, ConcurrentUpdate):
        app.add_exception_handler(kind, refused)
    app.add_exception_handler(NotFound, missing)
    app.add_exception_handler(LinkRefused, link_refused)


def build_app(settings: PlacementsSettings) -> FastAPI:
    router = EventRouter()
    app, runtime = build_consumer_app(
        settings,
        title="Parcours · placements",
        description="PMSMP conventions from request to assessment: employer confirmation and signatures by "
        "secure link, agency validation, legal limits, reminders, the tutor's assessment.",
        router=router,
        routers=ROUTERS,
        aggregate_collections=[CONVENTIONS],
        indexes=INDEXES,
        setup_database=prepare_database,
    )
    projections, conventions = Projections(runtime.db), Conventions(runtime.db, runtime.outbox)
    service = ConventionService(conventions, projections, settings.link_signing_key)
    scheduler = Scheduler(service, conventions)
    handlers.subscribe(router, projections, Erasure(conventions, projections, service))
    runtime.every("conventions-scheduler", settings.scheduler_seconds, lambda: scheduler.sweep(datetime.now(UTC)))
    app.state.conventions, app.state.scheduler = service, scheduler
    app.state.party_links = PartyLinks(service)
    app.state.agency_settings = AgencySettings(projections)
    app.state.documents = Documents(conventions, app.state.agency_directory)
    add_error_handlers(app)
    return app
