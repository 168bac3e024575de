"""Testimonies through links, without an account: the peer adds, lists, deletes their own testimonies and
withdraws their consent from their profile link (`deps.OwnPeer`); a beneficiary holding a share link, or a
counsellor's player, reads one, its file by ranges and its subtitles (`testimony_deps.OpenedTestimony`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import PlainTextResponse

from services.kit.domain import NotFound
from services.kit.rate_limits import LINK_RATE_LIMIT
from services.profiles.api.testimony_deps import OpenedTestimony, Testimonies
from services.profiles.api.testimony_media import CACHE, media_response
from services.profiles.api.testimony_models import (
    ConsentIn,
    ConsentOut,
    SharedTestimony,
    TestimonyIn,
    TestimonyOut,
    playable,
)
from services.profiles.deps import OwnPeer

peer_router = APIRouter(prefix="/links/peers/{token}", tags=["peer links"], dependencies=[LINK_RATE_LIMIT])
shared_router = APIRouter(prefix="/links/testimonies/{token}", tags=["testimony links"], dependencies=[LINK_RATE_LIMIT])


@peer_router.get("/testimonies", summary="The peer's own testimonies")
async def own(peer: OwnPeer, service: Testimonies) -> list[TestimonyOut]:
    return [playable(t, service.watch_token) for t in await service.own_by_peer(peer)]


@peer_router.post(
    "/testimonies",
    status_code=status.HTTP_201_CREATED,
    summary="Add a testimony (records the peer's consent; video and audio: then PUT its file)",
)
async def add(body: TestimonyIn, peer: OwnPeer, service: Testimonies) -> TestimonyOut:
    return TestimonyOut.of(await service.add_by_peer(peer, body.draft()))


@peer_router.put("/testimonies/{testimony_id}/media", summary="Stream the file of one's own testimony")
async def upload(testimony_id: str, request: Request, peer: OwnPeer, service: Testimonies) -> TestimonyOut:
    stored = await service.attach_media(await service.of_own_peer(testimony_id, peer), request.stream())
    return playable(stored, service.watch_token)


@peer_router.delete(
    "/testimonies/{testimony_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete one's own testimony"
)
async def delete(testimony_id: str, peer: OwnPeer, service: Testimonies) -> Response:
    await service.delete(await service.of_own_peer(testimony_id, peer))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@peer_router.post("/testimony-consent", summary="Give, or withdraw, one's consent (withdrawing deletes them all)")
async def consent(body: ConsentIn, peer: OwnPeer, service: Testimonies) -> ConsentOut:
    deleted = await service.consent_by_peer(peer, body.given)
    return ConsentOut(peer_id=peer.peer_id, given=body.given, testimonies_deleted=deleted)


@shared_router.get("", summary="A shared testimony (no sign-in: the link is the credential)")
async def shared(token: str, testimony: OpenedTestimony) -> SharedTestimony:
    return SharedTestimony.of(testimony, token)


@shared_router.get("/media", summary="Its file, whole or by ranges (Range: bytes=…)", response_class=Response)
async def media(request: Request, testimony: OpenedTestimony, service: Testimonies) -> Response:
    if testimony.media is None:
        raise NotFound("Ce témoignage est écrit : il n'a pas de fichier.", code="no_media")
    return media_response(request, testimony, service)


@shared_router.get("/subtitles.vtt", summary="Its WebVTT subtitles", response_class=PlainTextResponse)
async def subtitles(testimony: OpenedTestimony) -> PlainTextResponse:
    if not testimony.subtitles:
        raise NotFound("Ce témoignage a une transcription, pas de sous-titres.", code="no_subtitles")
    return PlainTextResponse(testimony.subtitles + "\n", media_type="text/vtt", headers={"Cache-Control": CACHE})
