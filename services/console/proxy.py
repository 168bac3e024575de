"""One address for the platform: `/api/<service>/<path>` goes to that service, streamed both ways (live
notifications and PDF files included). The services keep checking every token themselves."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import httpx
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

# hop-by-hop headers (RFC 9110, 7.6.1) and those the proxy sets itself
NOT_FORWARDED = frozenset(
    {"host", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
     "transfer-encoding", "upgrade", "content-length"}
)  # fmt: skip


def _forwarded(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in NOT_FORWARDED}


@router.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def forward(service: str, path: str, request: Request) -> StreamingResponse:
    upstreams: dict[str, str] = request.app.state.upstreams
    if service not in upstreams:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no service {service!r}: one of {', '.join(upstreams)}")
    client: httpx.AsyncClient = request.app.state.http
    headers = _forwarded(request.headers) | {"x-forwarded-for": request.client.host if request.client else ""}
    outgoing = client.build_request(
        request.method,
        f"{upstreams[service]}/{path}",
        params=request.url.query,
        headers=headers,
        content=request.stream(),
    )
    try:
        answer = await client.send(outgoing, stream=True)
    except httpx.TransportError as error:
        log.warning("proxy to %s failed: %s", service, error)
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, f"the {service} service does not answer; try again in a moment"
        ) from error
    return StreamingResponse(
        answer.aiter_raw(),
        status_code=answer.status_code,
        headers=_forwarded(answer.headers),
        background=BackgroundTask(answer.aclose),
    )
