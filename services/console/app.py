"""The composition root of the console: the web pages, the one address in front of the four services'
APIs, and the region's dashboard (a projection of matching's and placements' events)."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import Field

from services.console import insights_api, pages, proxy
from services.console.indexes import INDEXES
from services.console.insights import Insights
from services.contracts.envelope import Envelope
from services.contracts.events.profiles import PersonErasedV1
from services.kit.consumer_service import build_consumer_app
from services.kit.messaging import EventRouter
from services.kit.settings import ServiceSettings

STATIC = Path(__file__).parent / "static"


class ConsoleSettings(ServiceSettings):
    service_name: str = "console"
    http_port: int = Field(default=8000, ge=1, le=65535)
    # each may list several instances, comma-separated: the proxy forwards to them in turn
    profiles_url: str = "http://127.0.0.1:8001"
    matching_url: str = "http://127.0.0.1:8002"
    placements_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    funnel_recount_seconds: float = Field(
        default=3600, gt=0, description="how often the dashboard's counts are checked against the counted steps"
    )
    proxy_timeout_seconds: float = Field(default=30, gt=0, description="to connect and to write; live streams read on")


def build_app(settings: ConsoleSettings) -> FastAPI:
    router = EventRouter()
    app, runtime = build_consumer_app(
        settings,
        title="Parcours · console",
        description="The web console, one address for the platform's APIs (/api/<service>/...), and the "
        "region's dashboard.",
        router=router,
        indexes=INDEXES,
    )
    insights = Insights(runtime.db)
    insights.subscribe(router)

    async def on_erased(envelope: Envelope, payload: PersonErasedV1) -> None:
        await insights.beneficiaries.delete_one({"_id": payload.person_id})

    router.on("profiles.person.erased", on_erased)
    runtime.every("recount-funnel", settings.funnel_recount_seconds, insights.store.recount)
    app.include_router(insights_api.router, prefix="/api/console")
    app.include_router(pages.router)
    app.include_router(proxy.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.insights = insights
    app.state.upstreams = {
        "profiles": proxy.Upstream(settings.profiles_url),
        "matching": proxy.Upstream(settings.matching_url),
        "placements": proxy.Upstream(settings.placements_url),
        "notifications": proxy.Upstream(settings.notifications_url),
    }
    timeout = settings.proxy_timeout_seconds
    app.state.http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, read=None), follow_redirects=False)
    runtime.on_stop.append(app.state.http.aclose)
    return app
