"""One address for the platform: `/api/<service>/<path>` goes to that service (`adapters.upstreams`),
streamed both ways (live notifications and PDF files included). The services keep checking every token
themselves."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from services.console.adapters.upstreams import forwarded
from services.console.deps import UpstreamsDep

router = APIRouter(include_in_schema=False)


@router.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def forward(service: str, path: str, request: Request, upstreams: UpstreamsDep) -> StreamingResponse:
    if service not in upstreams.services:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no service {service!r}: one of {', '.join(upstreams.services)}"
        )
    answer = await upstreams.send(
        service,
        request.method,
        path,
        query=request.url.query,
        headers=request.headers,
        body=await request.body(),  # the APIs take small JSON bodies; kept to be sent again to another instance
        forwarded_for=request.client.host if request.client else "",
    )
    if answer is None:
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, f"the {service} service does not answer; try again in a moment"
        )
    return StreamingResponse(
        answer.aiter_raw(),
        status_code=answer.status_code,
        headers=forwarded(answer.headers),
        background=BackgroundTask(answer.aclose),
    )
