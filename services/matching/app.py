"""The composition root of the matching service: its settings, then the adapters, the use cases, the
routes and the event handlers, wired once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field, field_validator

from services.kit.consumer_service import build_consumer_app
from services.kit.errors import answer_errors
from services.kit.messaging import EventRouter
from services.kit.settings import LinkSigningSettings
from services.kit.warming_up import RefuseUntilLoaded
from services.matching import handlers
from services.matching.adapters.gatherings import Gatherings
from services.matching.adapters.indexes import GATHERINGS, INDEXES, INTRODUCTIONS, LISTS
from services.matching.adapters.memory_follower import MemoryFollower
from services.matching.adapters.peer_directory import PeerDirectory
from services.matching.adapters.stores import Stores
from services.matching.api import REFUSALS, ROUTERS
from services.matching.domain.fairness import DEFAULT_FAIRNESS
from services.matching.domain.score import Weights
from services.matching.handlers import MemoryUpdates
from services.matching.memory import Memory
from services.matching.use_cases.erasure import Erasure
from services.matching.use_cases.gatherings import GatheringService
from services.matching.use_cases.introductions import IntroductionService, Policy
from services.matching.use_cases.peer_records import PeerRecords
from services.matching.use_cases.rematching import Rematcher
from services.matching.use_cases.suggestions import SuggestionService
from services.matching.use_cases.sweep import Sweep


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
    profiles_url: str = Field(
        default="http://127.0.0.1:8001",
        description="where a peer's chosen contact point is fetched for their counsellor (comma: instances)",
    )


WARMING_UP = "Le service de mise en relation démarre et charge ses données : réessayez dans quelques secondes."


def memory_for(settings: MatchingSettings) -> Memory:
    weights = {agency: Weights(**w.model_dump()) for agency, w in settings.agency_weights.items()}
    return Memory(weights, settings.fairness_factor)


def build_app(settings: MatchingSettings) -> FastAPI:
    router = EventRouter()
    memory = memory_for(settings)

    async def setup_database(database: Any) -> None:
        await follower.start(database)  # (built below on the runtime's database) the memory, before any event

    app, runtime = build_consumer_app(
        settings,
        title="Parcours · matching",
        description="Ranks peers for a beneficiary with reasons, and follows introductions to the meeting.",
        router=router,
        routers=ROUTERS,
        aggregate_collections=[LISTS, INTRODUCTIONS, GATHERINGS],
        setup_database=setup_database,
        indexes=INDEXES,
    )
    stores = Stores.on(runtime.db, runtime.outbox)
    rematcher = Rematcher(stores.projections, stores.lists, memory)
    records = PeerRecords(stores.introductions, memory, rematcher)
    policy = Policy(
        settings.introduction_expiry_days, settings.introduction_reminder_days, settings.max_pending_introductions
    )
    introductions = IntroductionService(stores.introductions, memory, records, policy)
    sweep = Sweep(stores.introductions, introductions, records, memory)
    erasure = Erasure(stores.introductions, introductions)
    # loads the memory at start-up, then keeps it current with every instance's changes
    follower = MemoryFollower(
        settings.kafka_bootstrap_servers,
        settings.consumer_group,
        memory,
        stores,
        MemoryUpdates(memory, records).apply,
    )
    runtime.on_stop.append(follower.stop)
    rematcher.caught_up = follower.caught_up
    gatherings = GatheringService(Gatherings(runtime.db, runtime.outbox), stores.projections)
    handlers.subscribe(router, stores.projections, rematcher, erasure, memory)
    handlers.subscribe_gatherings(router, gatherings)
    runtime.every(
        "gatherings-sweep", settings.introduction_sweep_seconds, lambda: gatherings.remind_due(datetime.now(UTC))
    )
    app.state.gatherings = gatherings
    runtime.every("introductions-sweep", settings.introduction_sweep_seconds, lambda: sweep.run(datetime.now(UTC)))
    app.state.introductions, app.state.sweep, app.state.link_key = introductions, sweep, settings.link_signing_key
    app.state.peer_directory = PeerDirectory(settings.profiles_url, settings.link_signing_key)
    runtime.on_stop.append(app.state.peer_directory.close)
    app.state.suggestions = SuggestionService(stores.projections, stores.dismissals, memory, rematcher, records)
    answer_errors(app, REFUSALS)
    app.add_middleware(RefuseUntilLoaded, loaded=lambda: memory.loaded, message=WARMING_UP)
    return app
