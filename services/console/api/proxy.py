"""One address for the platform: `/api/<service>/<path>` goes to that service (`adapters.upstreams`),
streamed both ways (live notifications and PDF files included). The services keep checking every token
themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

from fastapi import APIRouter, Request, status
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from services.console.adapters.upstreams import UpstreamTimedOut, forwarded
from services.console.deps import UpstreamsDep
from services.contracts.media import MEDIA_UPLOAD
from services.kit.errors import ApiRefusal

router = APIRouter(include_in_schema=False)

SERVICE_NAMES = {
    "profiles": "profils",
    "matching": "mises en relation",
    "placements": "immersions",
    "notifications": "notifications",
}


@router.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def forward(service: str, path: str, request: Request, upstreams: UpstreamsDep) -> StreamingResponse:
    if service not in upstreams.services:
        raise ApiRefusal(
            status.HTTP_404_NOT_FOUND,
            "unknown_service",
            f"Cette adresse n'existe pas : les services sont {', '.join(upstreams.services)}.",
        )
    written = as_written(request, service, path)
    if any(segment in (".", "..") for segment in written.split("/")):  # would climb out on the way
        raise ApiRefusal(status.HTTP_404_NOT_FOUND, "not_found", "Cette adresse n'existe pas.")
    try:
        answer = await upstreams.send(
            service,
            request.method,
            written,
            query=request.url.query,
            headers=request.headers,
            body=upload_or_body(request) if MEDIA_UPLOAD.search(written) else await request.body(),
            forwarded_for=request.client.host if request.client else "",
        )
    except UpstreamTimedOut as error:
        raise ApiRefusal(
            status.HTTP_504_GATEWAY_TIMEOUT,
            "upstream_timeout",
            f"Le service « {SERVICE_NAMES.get(service, service)} » a mis trop de temps à répondre : "
            "réessayez dans un instant.",
        ) from error
    if answer is None:
        raise ApiRefusal(
            status.HTTP_502_BAD_GATEWAY,
            "upstream_unavailable",
            f"Le service « {SERVICE_NAMES.get(service, service)} » ne répond pas : réessayez dans un instant.",
        )
    return StreamingResponse(
        answer.aiter_raw(),
        status_code=answer.status_code,
        headers=forwarded(answer.headers),
        background=BackgroundTask(answer.aclose),
    )


def upload_or_body(request: Request) -> AsyncIterator[bytes]:
    """A testimony's file (up to `max_media_bytes`) streams through as it arrives, never held here; other
    bodies are small JSON, read whole so they can be sent again to another instance."""
    return request.stream()


def as_written(request: Request, service: str, path: str) -> str:
    """The path as the caller wrote it, still percent-encoded: decoded, an id holding `%2f` or `%00` would
    change the path on its way to the service, or make no URL at all."""
    raw = request.scope.get("raw_path")
    prefix = f"/api/{service}/".encode()
    if isinstance(raw, bytes) and raw.startswith(prefix):
        return raw[len(prefix) :].decode("latin-1")
    return quote(path, safe="/")
