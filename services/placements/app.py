"""The composition root of the placements service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from pydantic import Field

from services.kit.consumer_service import build_consumer_app
from services.kit.errors import Said, answer_errors
from services.kit.internal_api import OwnerRefused, OwnerUnreachable
from services.kit.messaging import EventRouter
from services.kit.settings import LinkSigningSettings
from services.placements import handlers
from services.placements.adapters.conventions import CONVENTIONS, Conventions, prepare_database
from services.placements.adapters.indexes import INDEXES
from services.placements.adapters.minors import MinorBirthDates
from services.placements.adapters.projections import Projections
from services.placements.api import ROUTERS
from services.placements.domain.lifecycle import NotYours, RefusedTransition
from services.placements.use_cases.agency_settings import AgencySettings
from services.placements.use_cases.conventions import ConventionService
from services.placements.use_cases.documents import Documents
from services.placements.use_cases.erasure import Erasure
from services.placements.use_cases.party_links import PartyLinks
from services.placements.use_cases.scheduler import Scheduler


class PlacementsSettings(LinkSigningSettings):
    service_name: str = "placements"
    http_port: int = Field(default=8003, ge=1, le=65535)
    scheduler_seconds: float = Field(default=60, gt=0, description="how often reminders and time's steps are checked")
    profiles_url: str = Field(
        default="http://127.0.0.1:8001",
        description="where a minor's date of birth is fetched when a convention is written (comma: instances)",
    )


# what placements' domain refuses that the kit does not already say (`Refusal`s, `InvalidInput` and
# `ConcurrentUpdate` are the kit's): the status the convention is in and what it allows travel with it
def _transition(error: Exception) -> dict[str, Any]:
    assert isinstance(error, RefusedTransition)
    return {"status": error.current, "allowed": list(error.allowed)}


REFUSALS: dict[type[Exception], Said] = {
    RefusedTransition: Said(409, "convention_wrong_status", extra=_transition),
    NotYours: Said(403, "not_your_step", extra=_transition),
    # a minor's date of birth is read from profiles when a convention is written
    OwnerUnreachable: Said(
        503, "profiles_unreachable", "Le service des profils ne répond pas : réessayez dans un instant."
    ),
    OwnerRefused: Said(503, "profiles_refused", "Le service des profils refuse la demande : prévenez l'exploitant."),
}


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
    birth_dates = MinorBirthDates(settings.profiles_url, settings.link_signing_key)
    service = ConventionService(conventions, projections, settings.link_signing_key, birth_dates)
    runtime.on_stop.append(birth_dates.close)
    scheduler = Scheduler(service, conventions)
    handlers.subscribe(router, projections, Erasure(conventions, projections, service))
    runtime.every("conventions-scheduler", settings.scheduler_seconds, lambda: scheduler.sweep(datetime.now(UTC)))
    app.state.conventions, app.state.scheduler = service, scheduler
    app.state.party_links = PartyLinks(service)
    app.state.agency_settings = AgencySettings(projections)
    app.state.documents = Documents(conventions, app.state.agency_directory)
    answer_errors(app, REFUSALS)
    return app
