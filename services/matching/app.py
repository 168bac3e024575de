"""The composition root of the matching service."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from services.kit.consumer_service import build_consumer_app
from services.kit.messaging import EventRouter
from services.kit.settings import ServiceSettings
from services.matching import api
from services.matching.adapters.projections import Projections
from services.matching.rematching import LISTS, Rematcher


class MatchingSettings(ServiceSettings):
    service_name: str = "matching"
    http_port: int = Field(default=8002, ge=1, le=65535)


def build_app(settings: ServiceSettings) -> FastAPI:
    router = EventRouter()
    app, runtime = build_consumer_app(
        settings,
        title="Parcours · matching",
        description="Ranks peers for a beneficiary with reasons, and follows introductions.",
        router=router,
        routers=[api.router],
        aggregate_collections=[LISTS],
    )
    projections = Projections(runtime.db).subscribe(router)
    app.state.projections = projections
    app.state.rematcher = Rematcher(runtime.db, projections, app.state.agency_directory, runtime.outbox).subscribe(
        router
    )
    return app
