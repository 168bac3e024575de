"""The composition root of the console: the web pages, the one address in front of the four services'
APIs, and the region's dashboard (a projection of matching's and placements' events)."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from pydantic import Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.console import handlers
from services.console.adapters.funnel import FunnelCounts
from services.console.adapters.indexes import INDEXES
from services.console.adapters.sectors import BeneficiarySectors, IntroductionSectors
from services.console.adapters.upstreams import Upstreams
from services.console.api import ROUTERS
from services.console.api.pages import error_page, wants_page
from services.console.use_cases.counting import FunnelCounting
from services.console.use_cases.dashboard import Dashboard
from services.contracts.media import media_upload
from services.kit.consumer_service import build_consumer_app
from services.kit.errors import BY_STATUS, answer_http, respond
from services.kit.messaging import EventRouter
from services.kit.settings import ServiceSettings

STATIC = Path(__file__).parent / "static"


class ConsoleSettings(ServiceSettings):
    service_name: str = "console"
    http_port: int = Field(default=8000, ge=1, le=65535)
    consumer_parallel_keys: int = Field(
        default=8, ge=1, le=64, description="aggregates whose events are counted at once (database round trips)"
    )
    # each may list several instances, comma-separated: the proxy forwards to them in turn
    profiles_url: str = "http://127.0.0.1:8001"
    matching_url: str = "http://127.0.0.1:8002"
    placements_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    funnel_recount_seconds: float = Field(
        default=3600, gt=0, description="how often the dashboard's counts are checked against the counted steps"
    )
    proxy_timeout_seconds: float = Field(default=30, gt=0, description="to connect and to write; live streams read on")


def answer_pages_in_html(app: FastAPI) -> None:
    """A wrong page address, or a page that fails, gets a French page; the APIs keep the kit's JSON."""

    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if wants_page(request):
            return error_page(error.status_code)
        return await answer_http(request, error)

    async def failed(request: Request, error: Exception) -> Response:
        if wants_page(request):
            return error_page(500)
        code, message = BY_STATUS[500]
        return respond(500, code, message)

    app.add_exception_handler(StarletteHTTPException, refused)
    app.add_exception_handler(Exception, failed)


def build_app(settings: ConsoleSettings) -> FastAPI:
    router = EventRouter()
    app, runtime = build_consumer_app(
        settings,
        title="Parcours · console",
        description="The web console, one address for the platform's APIs (/api/<service>/...), and the "
        "region's dashboard.",
        router=router,
        routers=ROUTERS,
        indexes=INDEXES,
        larger_bodies=[media_upload(settings.max_media_bytes)],  # a testimony's file, streamed to profiles
    )
    counts = FunnelCounts(runtime.db)
    counting = FunnelCounting(counts, BeneficiarySectors(runtime.db), IntroductionSectors(runtime.db))
    handlers.subscribe(router, counting)
    runtime.every("recount-funnel", settings.funnel_recount_seconds, counting.recount)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    answer_pages_in_html(app)
    app.state.dashboard = Dashboard(counts, app.state.agency_directory)
    timeout = settings.proxy_timeout_seconds
    http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, read=None), follow_redirects=False)
    app.state.upstreams = Upstreams(
        {
            "profiles": settings.profiles_url,
            "matching": settings.matching_url,
            "placements": settings.placements_url,
            "notifications": settings.notifications_url,
        },
        http,
    )
    runtime.on_stop.append(app.state.upstreams.aclose)
    return app
