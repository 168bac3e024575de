"""Counsellors' routes for testimonies: record a peer's consent (or its withdrawal, which deletes them), add
one for a peer of the agency and stream its file in, browse them by job, read one with its player link,
delete one, and share one with a beneficiary by an expiring link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from services.contracts.links import TESTIMONY_SHARE
from services.kit.pagination import After, announce_next
from services.profiles.api.testimony_deps import Testimonies
from services.profiles.api.testimony_models import (
    ConsentIn,
    ConsentOut,
    ShareIn,
    ShareOut,
    TestimonyIn,
    TestimonyOut,
    playable,
)
from services.profiles.deps import OpenAgencyStaff

router = APIRouter(tags=["testimonies"])


@router.post("/peers/{peer_id}/testimony-consent", summary="Record the peer's consent to testimonies, or withdraw it")
async def record_consent(peer_id: str, body: ConsentIn, caller: OpenAgencyStaff, service: Testimonies) -> ConsentOut:
    deleted = await service.record_consent(peer_id, caller, body.given)
    return ConsentOut(peer_id=peer_id, given=body.given, testimonies_deleted=deleted)


@router.post(
    "/peers/{peer_id}/testimonies",
    status_code=status.HTTP_201_CREATED,
    summary="Add a testimony of a peer of your agency (video and audio: then PUT its file)",
)
async def add(peer_id: str, body: TestimonyIn, caller: OpenAgencyStaff, service: Testimonies) -> TestimonyOut:
    return TestimonyOut.of(await service.add_by_counsellor(peer_id, caller, body.draft()))


@router.get("/peers/{peer_id}/testimonies", summary="A peer's testimonies that your agency may see")
async def of_peer(peer_id: str, caller: OpenAgencyStaff, service: Testimonies) -> list[TestimonyOut]:
    return [playable(t, service.watch_token) for t in await service.of_peer(peer_id, caller)]


@router.put(
    "/testimonies/{testimony_id}/media",
    summary="Stream the testimony's video or audio file (the raw body, up to PARCOURS_MAX_MEDIA_BYTES)",
    description="Its format is read from its first bytes (MP4, M4A, WebM, Ogg, MP3, AAC, WAV, FLAC), never "
    "from its name or Content-Type: 415 on the field `media` otherwise; 413 past the limit.",
)
async def upload(testimony_id: str, request: Request, caller: OpenAgencyStaff, service: Testimonies) -> TestimonyOut:
    testimony = await service.own(testimony_id, caller)
    stored = await service.attach_media(testimony, request.stream())
    return playable(stored, service.watch_token)


@router.get(
    "/testimonies",
    summary="Testimonies about a job that your agency may see, newest first",
    description="A page of `limit`; when there are more, `X-Next-Cursor` gives the `after` of the next page.",
)
async def of_job(
    caller: OpenAgencyStaff,
    service: Testimonies,
    request: Request,
    response: Response,
    job: Annotated[str, Query(min_length=5, max_length=5, description="a ROME code (M1805)")],
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[TestimonyOut]:
    page = [playable(t, service.watch_token) for t in await service.of_job(caller, job, after, limit)]
    announce_next(request, response, page, limit, lambda t: t.testimony_id)
    return page


@router.get("/testimonies/{testimony_id}", summary="One testimony, with its player link (a few hours)")
async def read(testimony_id: str, caller: OpenAgencyStaff, service: Testimonies) -> TestimonyOut:
    testimony = await service.visible(testimony_id, caller)
    return playable(testimony, service.watch_token)


@router.delete(
    "/testimonies/{testimony_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a testimony of your agency"
)
async def delete(testimony_id: str, caller: OpenAgencyStaff, service: Testimonies) -> Response:
    await service.delete(await service.own(testimony_id, caller))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/testimonies/{testimony_id}/shares",
    status_code=status.HTTP_201_CREATED,
    summary="Share a testimony with a beneficiary of your agency by an expiring link",
)
async def share(testimony_id: str, body: ShareIn, caller: OpenAgencyStaff, service: Testimonies) -> ShareOut:
    token, expires_at = await service.share(testimony_id, caller, body.beneficiary_id, body.days)
    return ShareOut(token=token, page=TESTIMONY_SHARE.page.format(token=token), expires_at=expires_at)
