"""The composition root of the matching service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from services.kit.consumer_service import build_consumer_app
from services.kit.http import answer_invalid_input, error_response
from services.kit.messaging import EventRouter
from services.kit.outbox import ConcurrentUpdate
from services.kit.settings import LinkSigningSettings
from services.matching import api, introductions_api, links_api
from services.matching.adapters.indexes import INDEXES
from services.matching.adapters.projections import Projections
from services.matching.domain.fairness import DEFAULT_FAIRNESS
from services.matching.domain.introduction import RefusedTransition
from services.matching.domain.score import Weights
from services.matching.following import MemoryFollower
from services.matching.introductions import INTRODUCTIONS, IntroductionDesk, NotFound, Policy, Refused
from services.matching.memory import Memory
from services.matching.rematching import LISTS, Rematcher


class WeightsSetting(BaseModel):
    job: float = Field(ge=0)
    path: float = Field(ge=0)
    place: float = Field(ge=0)
    fit: float = Field(ge=0)
    reliability: float = Field(ge=0)

    @field_validator("reliability")
    @classmethod
    def _sum_to_one(cls, value: float, info: Any) -> float:
        total = value + sum(info.data.get(k, 0.0) for k in ("job", "path", "place", "fit"))
        if abs(total - 1) > 0.001:
            raise ValueError(f"the five weights must add up to 1 (they add up to {total:.3f})")
        return value


class MatchingSettings(LinkSigningSettings):
    service_name: str = "matching"
    http_port: int = Field(default=8002, ge=1, le=65535)
    agency_weights: dict[str, WeightsSetting] = Field(
        default_factory=dict,
        description='per agency, JSON: {"<agency id>": {"job": 0.4, "path": 0.25, "place": 0.15, "fit": 0.1, '
        '"reliability": 0.1}}; other agencies use those defaults',
    )
    fairness_factor: float = Field(default=DEFAULT_FAIRNESS, gt=0, description="top lists per free slot of a peer")
    introduction_expiry_days: int = Field(default=10, ge=1, le=60)
    introduction_reminder_days: int = Field(default=3, ge=0, le=30, description="days before expiry")
    max_pending_introductions: int = Field(default=3, ge=1, le=20, description="per beneficiary")
    introduction_sweep_seconds: float = Field(default=60, gt=0)


def add_error_handlers(app: FastAPI) -> None:
    async def conflict(request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, ConcurrentUpdate):
            return error_response(409, "this introduction changed meanwhile: read it again and retry")
        return error_response(409, str(error))

    async def missing(request: Request, error: Exception) -> JSONResponse:
        return error_response(404, f"no introduction {error}")

    answer_invalid_input(app)
    for refused in (Refused, RefusedTransition, ConcurrentUpdate):
        app.add_exception_handler(refused, conflict)
    app.add_exception_handler(NotFound, missing)


def memory_for(settings: MatchingSettings) -> Memory:
    weights = {agency: Weights(**w.model_dump()) for agency, w in settings.agency_weights.items()}
    return Memory(weights, settings.fairness_factor)


def build_app(settings: MatchingSettings) -> FastAPI:
    router = EventRouter()
    memory = memory_for(settings)
    # loads the memory at start-up, then keeps it current with every instance's changes
    follower = MemoryFollower(settings.kafka_bootstrap_servers, settings.consumer_group, memory)
    app, runtime = build_consumer_app(
        settings,
        title="Parcours · matching",
        description="Ranks peers for a beneficiary with reasons, and follows introductions to the meeting.",
        router=router,
        routers=[api.router, introductions_api.router, links_api.router],
        aggregate_collections=[LISTS, INTRODUCTIONS],
        setup_database=follower.start,
        indexes=INDEXES,
    )
    runtime.on_stop.append(follower.stop)
    projections = Projections(runtime.db).subscribe(router)
    rematcher = Rematcher(runtime.db, projections, memory, runtime.outbox).subscribe(router)
    rematcher.caught_up = follower.caught_up
    policy = Policy(
        settings.introduction_expiry_days, settings.introduction_reminder_days, settings.max_pending_introductions
    )
    desk = IntroductionDesk(runtime.db, memory, rematcher, runtime.outbox, policy)
    follower.follow_peer = desk.follow_peer
    router.on("profiles.person.erased", desk.on_person_erased)
    runtime.every("introductions-sweep", settings.introduction_sweep_seconds, lambda: desk.sweep(datetime.now(UTC)))
    app.state.projections, app.state.memory, app.state.rematcher = projections, memory, rematcher
    app.state.introductions, app.state.link_key = desk, settings.link_signing_key
    add_error_handlers(app)
    return app
