"""Routes for peers and their lived paths. The recruiting agency manages its peers and sees their contact;
other agencies of the region see published peers who agreed to be seen region-wide."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from services.kit.pagination import After, announce_next
from services.profiles.api.peer_models import BecomePeerIn, PauseIn, PeerIn, PeerOut, WithdrawIn
from services.profiles.deps import OpenAgencyStaff, PeerServiceDep

router = APIRouter(tags=["peers"])


@router.post("/peers", status_code=status.HTTP_201_CREATED, summary="Publish a peer and their lived path")
async def publish_peer(body: PeerIn, caller: OpenAgencyStaff, peers: PeerServiceDep) -> PeerOut:
    return PeerOut.of(await peers.publish(body.domain(caller), body.consent_months), caller)


@router.get(
    "/peers",
    summary="Peers your agency may see, newest first (search by name or ROME code)",
    description="A page of `limit`; when there are more, the `X-Next-Cursor` header (and `Link: rel=next`) gives "
    "the `after` of the next page.",
)
async def list_peers(
    caller: OpenAgencyStaff,
    peers: PeerServiceDep,
    request: Request,
    response: Response,
    q: Annotated[str, Query(max_length=200)] = "",
    job: Annotated[str, Query(max_length=5)] = "",
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[PeerOut]:
    page = [PeerOut.of(p, caller) for p in await peers.page(caller, q, job, after, limit)]
    announce_next(request, response, page, limit, lambda p: p.peer_id)
    return page


@router.get("/peers/{peer_id}", summary="One peer, with their lived path")
async def get_peer(peer_id: str, caller: OpenAgencyStaff, peers: PeerServiceDep) -> PeerOut:
    return PeerOut.of(await peers.visible(peer_id, caller), caller)


@router.put("/peers/{peer_id}", summary="Change a peer of your agency")
async def update_peer(peer_id: str, body: PeerIn, caller: OpenAgencyStaff, peers: PeerServiceDep) -> PeerOut:
    return PeerOut.of(await peers.revise(peer_id, caller, body.domain(caller, peer_id)), caller)


@router.post("/peers/{peer_id}/pause", summary="Pause a peer (no new introductions) or resume")
async def pause_peer(peer_id: str, body: PauseIn, caller: OpenAgencyStaff, peers: PeerServiceDep) -> PeerOut:
    return PeerOut.of(await peers.pause(peer_id, caller, body.paused), caller)


@router.post("/peers/{peer_id}/withdraw", summary="Withdraw a peer: they leave every suggestion list")
async def withdraw_peer(peer_id: str, body: WithdrawIn, caller: OpenAgencyStaff, peers: PeerServiceDep) -> PeerOut:
    return PeerOut.of(await peers.withdraw(peer_id, caller, body.reason), caller)


@router.post(
    "/peers/{peer_id}/charter/ask",
    summary="Send the peer their link again, to accept the charter in force (suggested only once they do)",
)
async def ask_charter(peer_id: str, caller: OpenAgencyStaff, peers: PeerServiceDep) -> PeerOut:
    return PeerOut.of(await peers.ask_charter(peer_id, caller), caller)


@router.post(
    "/beneficiaries/{beneficiary_id}/become-peer",
    status_code=status.HTTP_201_CREATED,
    summary="A beneficiary who completed their path becomes a peer, with their consent",
)
async def become_peer(
    beneficiary_id: str, body: BecomePeerIn, caller: OpenAgencyStaff, peers: PeerServiceDep
) -> PeerOut:
    former = await peers.closed_beneficiary(beneficiary_id, caller)
    return PeerOut.of(await peers.become_peer(body.domain(caller, former)), caller)
