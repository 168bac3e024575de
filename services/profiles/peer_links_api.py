"""What a peer does for themselves from the link in their e-mail, without an account: read their profile
and lived path as counsellors see it, pause or resume, say how many meetings a month they can give, and
reword their testimony. The link is the credential: signed over the peer id, expiring
(`services.contracts.links.PEER_PROFILE`). Refusals are in French, for the person holding the phone."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import MeetingMode, PeerKind
from services.contracts.links import PEER_PROFILE
from services.kit import links
from services.profiles.adapters.peers import PeerRepository
from services.profiles.domain import peer as rules
from services.profiles.peers_api import PauseIn, Repository, StepIn, _save, unprocessable

router = APIRouter(prefix="/links/peers/{token}", tags=["peer links"])


class OwnProfile(BaseModel):
    """The peer's own profile, without the agency's notes: what they may check and change here."""

    first_name: str
    kind: PeerKind
    paused: bool
    capacity_per_month: int
    meeting_modes: list[MeetingMode]
    path: list[StepIn]
    testimony: str

    @classmethod
    def of(cls, peer: rules.Peer) -> OwnProfile:
        return cls(
            first_name=peer.identity.first_name,
            kind=peer.kind,
            paused=peer.paused,
            capacity_per_month=peer.offer.capacity_per_month,
            meeting_modes=list(peer.offer.meeting_modes),
            path=[StepIn(**vars(step)) for step in peer.path],
            testimony=peer.testimony,
        )


class ProfileChange(BaseModel):
    capacity_per_month: int | None = Field(default=None, description="meetings a month at most")
    testimony: str | None = Field(default=None, max_length=3000)


async def own_peer(token: str, request: Request, repo: Repository) -> rules.Peer:
    try:
        peer_id = PEER_PROFILE.subject(request.app.state.link_key, token)
    except links.LinkExpired as error:
        raise HTTPException(
            status.HTTP_410_GONE, "Ce lien a expiré : le prochain e-mail de Parcours en contient un neuf."
        ) from error
    except links.InvalidLink as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Ce lien n'est pas valide (incomplet ou modifié).") from error
    found = await repo.get(peer_id)
    if found is None or found.status != "published":
        raise HTTPException(status.HTTP_410_GONE, "Vous n'êtes plus inscrit comme pair sur Parcours.")
    return found


OwnPeer = Annotated[rules.Peer, Depends(own_peer)]


async def _apply(repo: PeerRepository, changed: tuple[rules.Peer, list[Envelope]]) -> OwnProfile:
    peer, events = changed
    await _save(repo, peer, events)
    return OwnProfile.of(peer)


@router.get("", summary="The peer's own profile and lived path")
async def read(peer: OwnPeer) -> OwnProfile:
    return OwnProfile.of(peer)


@router.post("/pause", summary="Pause (no new requests) or resume")
async def pause(body: PauseIn, peer: OwnPeer, repo: Repository) -> OwnProfile:
    try:
        return await _apply(repo, rules.pause(peer, body.paused))
    except rules.InvalidPeer as error:
        raise unprocessable(error) from error


@router.patch("", summary="Change the number of meetings a month, or the testimony")
async def change(body: ProfileChange, peer: OwnPeer, repo: Repository) -> OwnProfile:
    try:
        offer = peer.offer
        if body.capacity_per_month is not None:
            offer = replace(offer, capacity_per_month=body.capacity_per_month)
        testimony = peer.testimony if body.testimony is None else body.testimony
        return await _apply(repo, rules.update(peer, replace(peer, offer=offer, testimony=testimony)))
    except rules.InvalidPeer as error:
        raise unprocessable(error) from error
