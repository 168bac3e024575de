"""Profiles' HTTP routes for peers and their lived paths. The recruiting agency manages its peers and
sees their contact; other agencies of the region see published peers who agreed to be seen region-wide."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from pymongo.errors import DuplicateKeyError

from services.contracts.events.profiles import (
    MeetingMode,
    PeerKind,
    StepKind,
    Transition,
    Visibility,
    WithdrawalReason,
)
from services.kit.identity import Caller
from services.kit.outbox import ConcurrentUpdate
from services.kit.pagination import After, announce_next
from services.profiles.adapters.beneficiaries import BeneficiaryRepository
from services.profiles.adapters.peers import PeerRepository
from services.profiles.beneficiaries_api import Staff
from services.profiles.domain import peer as rules

router = APIRouter(tags=["peers"])


class StepIn(BaseModel):
    kind: StepKind
    start_month: str = Field(examples=["2019-09"], description="YYYY-MM")
    end_month: str | None = Field(default=None, examples=["2021-06"], description="YYYY-MM; empty while it goes on")
    transition: Transition = Field(description="was the move into this step chosen or imposed?")
    rome_code: str | None = Field(default=None, examples=["M1805"])
    naf_division: str | None = Field(default=None, examples=["62"])
    place_id: str | None = None
    text: str = Field(default="", max_length=500)


class OfferIn(BaseModel):
    meeting_modes: list[MeetingMode] = Field(min_length=1)
    company_visits: bool = False
    capacity_per_month: int = Field(default=2, description="meetings a month at most")
    languages: list[str] = Field(default_factory=lambda: ["fr"])


class PeerIdentityIn(BaseModel):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = Field(max_length=320)
    phone: str = Field(default="", max_length=40)
    place_id: str | None = None


PEER_EXAMPLE: dict[str, Any] = {
    "kind": "professional",
    "identity": {
        "first_name": "Karim",
        "last_name": "Benali",
        "email": "karim.benali@example.org",
        "place_id": "2990969",
    },
    "visibility": "region",
    "consent_to_region": True,
    "offer": {"meeting_modes": ["in_person", "video"], "company_visits": True, "capacity_per_month": 3},
    "path": [
        {
            "kind": "job",
            "rome_code": "D1106",
            "start_month": "2014-09",
            "end_month": "2019-06",
            "transition": "chosen",
            "place_id": "2990969",
            "text": "Vendeur en alimentation pendant cinq ans",
        },
        {
            "kind": "training",
            "rome_code": "M1805",
            "start_month": "2019-09",
            "end_month": "2020-06",
            "transition": "imposed",
            "text": "Reconversion après un licenciement économique",
        },
        {"kind": "job", "rome_code": "M1805", "naf_division": "62", "start_month": "2020-09", "transition": "chosen"},
    ],
    "testimony": "J'ai quitté le commerce pour le développement web à 30 ans.",
}


class PeerIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [PEER_EXAMPLE]})
    kind: PeerKind
    identity: PeerIdentityIn
    visibility: Visibility = Visibility.AGENCY
    consent_to_region: bool = Field(default=False, description="the peer agreed to be seen by the whole region")
    offer: OfferIn
    path: list[StepIn]
    testimony: str = Field(default="", max_length=3000)
    video_url: str = Field(default="", max_length=500)
    vetted: bool = Field(default=False, description="vetted by the agency: may meet minors")
    consent_months: int = Field(default=24, ge=1, le=60)

    def domain(self, caller: Caller, peer_id: str = "") -> rules.Peer:
        if self.visibility == Visibility.REGION and not self.consent_to_region:
            raise rules.InvalidPeer([("consent_to_region", "region-wide visibility needs the peer's consent")])
        return rules.Peer(
            peer_id,
            caller.agency_id,
            caller.region_code,
            self.kind,
            rules.PeerIdentity(**self.identity.model_dump()),
            self.visibility,
            rules.Offer(
                tuple(self.offer.meeting_modes),
                self.offer.company_visits,
                self.offer.capacity_per_month,
                tuple(self.offer.languages),
            ),
            tuple(rules.Step(**s.model_dump()) for s in self.path),
            self.testimony.strip(),
            self.video_url.strip(),
            self.vetted,
        )


class PeerOut(BaseModel):
    peer_id: str
    agency_id: str
    kind: PeerKind
    first_name: str
    last_name: str
    contact: PeerIdentityIn | None = Field(description="for the recruiting agency only")
    visibility: Visibility
    offer: OfferIn
    path: list[StepIn]
    testimony: str
    video_url: str
    vetted: bool
    paused: bool
    status: str
    version: int

    @classmethod
    def of(cls, p: rules.Peer, caller: Caller) -> PeerOut:
        own = p.agency_id == caller.agency_id
        return cls(
            peer_id=p.peer_id,
            agency_id=p.agency_id,
            kind=p.kind,
            first_name=p.identity.first_name,
            last_name=p.identity.last_name,
            contact=PeerIdentityIn(**vars(p.identity)) if own else None,
            visibility=p.visibility,
            offer=OfferIn(
                meeting_modes=list(p.offer.meeting_modes),
                company_visits=p.offer.company_visits,
                capacity_per_month=p.offer.capacity_per_month,
                languages=list(p.offer.languages),
            ),
            path=[StepIn(**vars(s)) for s in p.path],
            testimony=p.testimony,
            video_url=p.video_url,
            vetted=p.vetted,
            paused=p.paused,
            status=p.status,
            version=p.version,
        )


class PauseIn(BaseModel):
    paused: bool


class WithdrawIn(BaseModel):
    reason: WithdrawalReason = WithdrawalReason.BY_REQUEST


def repository(request: Request) -> PeerRepository:
    repo: PeerRepository = request.app.state.peers
    return repo


Repository = Annotated[PeerRepository, Depends(repository)]


def unprocessable(error: rules.InvalidPeer) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", *f.split(".")], "msg": m, "type": "value_error"} for f, m in error.problems],
    )


async def _visible(repo: PeerRepository, peer_id: str, caller: Caller) -> rules.Peer:
    found = await repo.get(peer_id)
    if found is None or not rules.visible_to(found, caller.agency_id, caller.region_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no peer {peer_id} that your agency may see")
    return found


async def _own(repo: PeerRepository, peer_id: str, caller: Caller) -> rules.Peer:
    found = await repo.get(peer_id)
    if found is None or found.agency_id != caller.agency_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no peer {peer_id} recruited by your agency")
    return found


async def _save(repo: PeerRepository, peer: rules.Peer, events: list[Any]) -> None:
    try:
        await repo.save(peer, events)
    except ConcurrentUpdate as error:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{error}; read it again and retry") from error


@router.post("/peers", status_code=status.HTTP_201_CREATED, summary="Publish a peer and their lived path")
async def publish_peer(body: PeerIn, caller: Staff, repo: Repository) -> PeerOut:
    try:
        peer, events = rules.publish(body.domain(caller), body.consent_months)
    except rules.InvalidPeer as error:
        raise unprocessable(error) from error
    await repo.add(peer, events)
    return PeerOut.of(peer, caller)


@router.get(
    "/peers",
    summary="Peers your agency may see, newest first (search by name or ROME code)",
    description="A page of `limit`; when there are more, the `X-Next-Cursor` header (and `Link: rel=next`) gives "
    "the `after` of the next page.",
)
async def list_peers(
    caller: Staff,
    repo: Repository,
    request: Request,
    response: Response,
    q: Annotated[str, Query(max_length=200)] = "",
    job: Annotated[str, Query(max_length=5)] = "",
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[PeerOut]:
    found = await repo.visible(caller.agency_id, caller.region_code, text=q, job=job, after=after, limit=limit)
    page = [PeerOut.of(p, caller) for p in found]
    announce_next(request, response, page, limit, lambda p: p.peer_id)
    return page


@router.get("/peers/{peer_id}", summary="One peer, with their lived path")
async def get_peer(peer_id: str, caller: Staff, repo: Repository) -> PeerOut:
    return PeerOut.of(await _visible(repo, peer_id, caller), caller)


@router.put("/peers/{peer_id}", summary="Change a peer of your agency")
async def update_peer(peer_id: str, body: PeerIn, caller: Staff, repo: Repository) -> PeerOut:
    current = await _own(repo, peer_id, caller)
    try:
        changed, events = rules.update(current, body.domain(caller, peer_id))
    except rules.InvalidPeer as error:
        raise unprocessable(error) from error
    await _save(repo, changed, events)
    return PeerOut.of(changed, caller)


@router.post("/peers/{peer_id}/pause", summary="Pause a peer (no new introductions) or resume")
async def pause_peer(peer_id: str, body: PauseIn, caller: Staff, repo: Repository) -> PeerOut:
    current = await _own(repo, peer_id, caller)
    try:
        changed, events = rules.pause(current, body.paused)
    except rules.InvalidPeer as error:
        raise unprocessable(error) from error
    await _save(repo, changed, events)
    return PeerOut.of(changed, caller)


@router.post("/peers/{peer_id}/withdraw", summary="Withdraw a peer: they leave every suggestion list")
async def withdraw_peer(peer_id: str, body: WithdrawIn, caller: Staff, repo: Repository) -> PeerOut:
    current = await _own(repo, peer_id, caller)
    try:
        changed, events = rules.withdraw(current, body.reason)
    except rules.InvalidPeer as error:
        raise unprocessable(error) from error
    await _save(repo, changed, events)
    return PeerOut.of(changed, caller)


class BecomePeerIn(BaseModel):
    email: str = Field(max_length=320, description="where introduction requests will reach them")
    visibility: Visibility = Visibility.AGENCY
    consent_to_region: bool = False
    offer: OfferIn
    path: list[StepIn]
    testimony: str = Field(default="", max_length=3000)


@router.post(
    "/beneficiaries/{beneficiary_id}/become-peer",
    status_code=status.HTTP_201_CREATED,
    summary="A beneficiary who completed their path becomes a peer, with their consent",
)
async def become_peer(
    beneficiary_id: str, body: BecomePeerIn, caller: Staff, repo: Repository, request: Request
) -> PeerOut:
    beneficiaries: BeneficiaryRepository = request.app.state.beneficiaries
    former = await beneficiaries.get(beneficiary_id, caller.agency_id)
    if former is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no beneficiary {beneficiary_id} in your agency")
    if former.status != "closed":
        raise HTTPException(status.HTTP_409_CONFLICT, "close the accompaniment first: peers have completed their path")
    identity = PeerIdentityIn(
        first_name=former.identity.first_name,
        last_name=former.identity.last_name,
        email=body.email,
        phone=former.identity.phone,
        place_id=former.project.place_id,
    )
    request_body = PeerIn(
        kind=PeerKind.FORMER_BENEFICIARY,
        identity=identity,
        visibility=body.visibility,
        consent_to_region=body.consent_to_region,
        offer=body.offer,
        path=body.path,
        testimony=body.testimony,
    )
    try:
        peer, events = rules.publish(replace(request_body.domain(caller), former_beneficiary_id=beneficiary_id))
    except rules.InvalidPeer as error:
        raise unprocessable(error) from error
    try:
        await repo.add(peer, events)  # one peer profile per former beneficiary: a unique index says so
    except DuplicateKeyError as error:
        already = await repo.former_beneficiary_of(beneficiary_id)
        raise HTTPException(status.HTTP_409_CONFLICT, f"{beneficiary_id} is already the peer {already}") from error
    return PeerOut.of(peer, caller)
