"""One address for the platform: `/api/<service>/<path>` goes to that service, streamed both ways (live
notifications and PDF files included). The services keep checking every token themselves.

A service may run as several instances: requests go to each in turn, and one that does not answer (a
connection refused: nothing was sent) is skipped for the next."""

from __future__ import annotations

import itertools
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


class Upstream:
    """The instances of one service, from a comma-separated list of base URLs."""

    def __init__(self, urls: str) -> None:
        self.urls = [url.strip().rstrip("/") for url in urls.split(",") if url.strip()]
        self._turn = itertools.cycle(range(len(self.urls)))

    def in_turn(self) -> list[str]:
        """Every instance, starting with the next one in turn."""
        start = next(self._turn)
        return self.urls[start:] + self.urls[:start]


def _forwarded(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in NOT_FORWARDED}


@router.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def forward(service: str, path: str, request: Request) -> StreamingResponse:
    upstreams: dict[str, Upstream] = request.app.state.upstreams
    if service not in upstreams:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no service {service!r}: one of {', '.join(upstreams)}")
    client: httpx.AsyncClient = request.app.state.http
    headers = _forwarded(request.headers) | {"x-forwarded-for": request.client.host if request.client else ""}
    body = await request.body()  # the APIs take small JSON bodies; kept to be sent again to another instance
    answer: httpx.Response | None = None
    for base in upstreams[service].in_turn():
        outgoing = client.build_request(
            request.method, f"{base}/{path}", params=request.url.query, headers=headers, content=body
        )
        try:
            answer = await client.send(outgoing, stream=True)
            break
        except httpx.ConnectError as error:  # refused before anything was sent: the next instance may answer
            log.warning("proxy to %s at %s failed: %s", service, base, error)
        except httpx.TransportError as error:
            log.warning("proxy to %s at %s failed: %s", service, base, error)
            break
    if answer is None:
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, f"the {service} service does not answer; try again in a moment"
        )
    return StreamingResponse(
        answer.aiter_raw(),
        status_code=answer.status_code,
        headers=_forwarded(answer.headers),
        background=BackgroundTask(answer.aclose),
    )
