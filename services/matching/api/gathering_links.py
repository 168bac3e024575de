"""What a peer does about gatherings from their own secure link (`/links/peers/{token}`, signed over their
id by `services.contracts.links.PEER_PROFILE`, the one profiles reads too): see the gatherings to come that
concern a job of their path, and volunteer to witness at one."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from services.contracts.events.gatherings import GatheringKind
from services.contracts.links import PEER_PROFILE
from services.kit.rate_limits import LINK_RATE_LIMIT
from services.matching.api.gatherings import GatheringsDep, when
from services.matching.deps import LinkKey
from services.matching.domain.actor import Actor
from services.matching.domain.gathering import KIND_LABELS, Gathering, shared_jobs
from services.reference import labels
from services.reference.labels import Labels

router = APIRouter(prefix="/links/peers", tags=["peer links"], dependencies=[LINK_RATE_LIMIT])


class GatheringForPeer(BaseModel):
    """What a peer reads: what, when, where, for which of their jobs; never who is registered."""

    gathering_id: str
    kind: GatheringKind
    kind_label: str
    title: str
    description: str
    starts_at: datetime
    when: str
    place_id: str
    address: str
    your_jobs: list[str]
    witnessing: bool
    labels: Labels


def _for_peer(g: Gathering, peer_id: str, practised: tuple[str, ...]) -> GatheringForPeer:
    yours = shared_jobs(practised, g.details.jobs)
    return GatheringForPeer(
        gathering_id=g.id,
        kind=g.details.kind,
        kind_label=KIND_LABELS[g.details.kind],
        title=g.details.title,
        description=g.details.description,
        starts_at=g.details.starts_at,
        when=when(g),
        place_id=g.details.place_id,
        address=g.details.address,
        your_jobs=yours,
        witnessing=any(w.peer_id == peer_id for w in g.witnesses),
        labels=labels.of_codes(yours, place_ids=[g.details.place_id]),
    )


@router.get("/{token}/gatherings", summary="The forums, fairs and open days to come for a job of your path")
async def open_gatherings(token: str, key: LinkKey, service: GatheringsDep) -> list[GatheringForPeer]:
    peer_id = PEER_PROFILE.opened(key, token)
    found, practised = await service.open_for_peer(peer_id)
    return [_for_peer(g, peer_id, practised) for g in found if g.status.value == "published"]


@router.post("/{token}/gatherings/{gathering_id}/witness", summary="Come to this gathering to witness for your job")
async def volunteer(token: str, gathering_id: str, key: LinkKey, service: GatheringsDep) -> GatheringForPeer:
    peer_id = PEER_PROFILE.opened(key, token)
    changed = await service.volunteer(gathering_id, peer_id, Actor.PEER)
    _, practised = await service.open_for_peer(peer_id)
    return _for_peer(changed, peer_id, practised)
