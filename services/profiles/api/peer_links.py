"""What a peer does for themselves from the link in their e-mail, without an account: read and accept the
peers' charter (suggested only once they accepted the version in force), read their profile and lived path
as counsellors see it, pause or resume, say how many meetings a month they can give, and reword their
testimony. The link is the credential (`deps.OwnPeer`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.contracts.events.profiles import MeetingMode, PeerKind
from services.kit.rate_limits import LINK_RATE_LIMIT
from services.profiles.api.peer_models import CharterTextOut, PauseIn, StepIn
from services.profiles.deps import OwnPeer, PeerServiceDep
from services.profiles.domain.peer import Peer
from services.reference import labels
from services.reference.labels import Labels

router = APIRouter(prefix="/links/peers/{token}", tags=["peer links"], dependencies=[LINK_RATE_LIMIT])


class OwnProfile(BaseModel):
    """The peer's own profile, without the agency's notes: what they may check and change here."""

    first_name: str
    kind: PeerKind
    paused: bool
    capacity_per_month: int
    meeting_modes: list[MeetingMode]
    path: list[StepIn]
    testimony: str
    charter: CharterTextOut = Field(description="the charter in force, to accept before being suggested")
    labels: Labels = Field(description="what people read for the path's jobs, sectors and places")

    @classmethod
    def of(cls, peer: Peer) -> OwnProfile:
        return cls(
            charter=CharterTextOut.of(peer),
            first_name=peer.identity.first_name,
            kind=peer.kind,
            paused=peer.paused,
            capacity_per_month=peer.offer.capacity_per_month,
            meeting_modes=list(peer.offer.meeting_modes),
            path=[StepIn(**vars(step)) for step in peer.path],
            testimony=peer.testimony,
            labels=labels.of_codes(
                (s.rome_code for s in peer.path), (s.naf_division for s in peer.path), (s.place_id for s in peer.path)
            ),
        )


class CharterAcceptIn(BaseModel):
    version: str = Field(max_length=20, description="the version read (the one in force)", examples=["2026-12"])


class ProfileChange(BaseModel):
    capacity_per_month: int | None = Field(default=None, description="meetings a month at most")
    testimony: str | None = Field(default=None, max_length=3000)


@router.get("", summary="The peer's own profile and lived path")
async def read(peer: OwnPeer) -> OwnProfile:
    return OwnProfile.of(peer)


@router.post("/pause", summary="Pause (no new requests) or resume")
async def pause(body: PauseIn, peer: OwnPeer, peers: PeerServiceDep) -> OwnProfile:
    return OwnProfile.of(await peers.pause_by_link(peer, body.paused))


@router.patch("", summary="Change the number of meetings a month, or the testimony")
async def change(body: ProfileChange, peer: OwnPeer, peers: PeerServiceDep) -> OwnProfile:
    return OwnProfile.of(await peers.change_by_link(peer, body.capacity_per_month, body.testimony))


@router.post("/charter", summary="Accept the peers' charter (the version read): counsellors may then suggest you")
async def accept_charter(body: CharterAcceptIn, peer: OwnPeer, peers: PeerServiceDep) -> OwnProfile:
    return OwnProfile.of(await peers.accept_charter_by_link(peer, body.version))
