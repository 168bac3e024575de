"""The FastAPI side every service shares: lifespan, correlation ids, health, readiness, metrics."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.contracts import asyncapi
from services.kit import context
from services.kit.bad_requests import BodyLimit, LargerBody, WellFormedJson
from services.kit.errors import ERROR_RESPONSES, answer_errors
from services.kit.identity import CurrentCaller, TokenVerifier
from services.kit.rate_limits import RateLimiter
from services.kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"


def create_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    larger_bodies: Sequence[LargerBody] = (),
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.settings = settings = runtime.settings
    app.state.token_verifier = TokenVerifier(
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        jwks_url=settings.auth_jwks_url,
        agency_claim=settings.auth_agency_claim,
        roles_claim=settings.auth_roles_claim,
        region_claim=settings.auth_region_claim,
        jwks_refetch_seconds=settings.auth_jwks_refetch_seconds,
    )
    app.state.rate_limiter = RateLimiter(runtime.db)
    metrics = runtime.metrics
    app.add_middleware(
        WellFormedJson, streamed=larger_bodies
    )  # the last added is the outermost: limit, then JSON, then the app
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, larger=larger_bodies)  # inside the tracing below
    answer_errors(app)

    @app.middleware("http")
    async def trace_and_measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        correlation_id = request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4())
        started = time.perf_counter()
        with context.bound(context.TraceContext(correlation_id)):
            response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.http_requests.labels(metrics.service, request.method, path, str(response.status_code)).inc()
        metrics.http_latency.labels(metrics.service, path).observe(time.perf_counter() - started)
        response.headers[CORRELATION_HEADER] = correlation_id
        return response

    @app.get("/healthz", tags=["operations"], summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": runtime.settings.service_name}

    @app.get("/readyz", tags=["operations"], summary="Kafka and the database are reachable")
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        ready = all(check["ok"] for check in checks.values())
        body = {
            "status": "ready" if ready else "not ready",
            "service": runtime.settings.service_name,
            "checks": checks,
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/whoami", tags=["operations"], summary="Who this service takes the caller to be (token check)")
    async def whoami(caller: CurrentCaller) -> dict[str, Any]:
        return {"staff_id": caller.staff_id, "agency_id": caller.agency_id, "roles": sorted(caller.roles)}

    @app.get("/asyncapi.json", tags=["operations"], summary="AsyncAPI 3.0 description of the events")
    async def asyncapi_document() -> dict[str, Any]:
        return asyncapi.document()

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router, responses=ERROR_RESPONSES)
    return app
