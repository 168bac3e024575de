"""A testimony's file as HTTP: the whole of it, or the range a player asks for (206 with `Content-Range`,
416 for a range outside the file), always announcing `Accept-Ranges: bytes` so that seeking works."""

from __future__ import annotations

from fastapi import Request, status
from fastapi.responses import JSONResponse, Response, StreamingResponse

from services.kit.errors import error_body
from services.profiles.domain import byte_ranges
from services.profiles.domain.testimony import Testimony
from services.profiles.use_cases.testimonies import TestimonyService

CACHE = "private, max-age=300"


def media_response(request: Request, testimony: Testimony, service: TestimonyService) -> Response:
    media = testimony.media
    assert media is not None
    try:
        asked = byte_ranges.requested(request.headers.get("range"), media.length)
    except byte_ranges.RangeNotSatisfiable:
        body = error_body("range_not_satisfiable", "La plage demandée est hors du fichier.", "range")
        return JSONResponse(
            body,
            status_code=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
            headers={"Content-Range": f"bytes */{media.length}", "Accept-Ranges": "bytes"},
        )
    whole = byte_ranges.ByteRange(0, media.length - 1, media.length)
    sent = asked or whole
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Length": str(sent.size if media.length else 0),
        "Cache-Control": CACHE,
    }
    if asked is not None:
        headers["Content-Range"] = asked.content_range()
    if media.length == 0:
        return Response(b"", headers=headers, media_type=media.content_type)
    return StreamingResponse(
        service.read(testimony, sent.first, sent.last),
        status_code=status.HTTP_206_PARTIAL_CONTENT if asked else status.HTTP_200_OK,
        media_type=media.content_type,
        headers=headers,
    )
