"""The request and response bodies of the peer routes, shared by the agency's routes (`api.peers`) and the
peer's own link (`api.peer_links`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.profiles import (
    MeetingMode,
    PeerKind,
    StepKind,
    Transition,
    TransitionReason,
    Visibility,
    WithdrawalReason,
)
from services.kit.identity import Caller
from services.profiles.domain import beneficiary as beneficiary_rules
from services.profiles.domain import peer as rules
from services.reference import charter, labels
from services.reference.labels import Labels


class StepIn(BaseModel):
    kind: StepKind
    start_month: str = Field(examples=["2019-09"], description="YYYY-MM")
    end_month: str | None = Field(default=None, examples=["2021-06"], description="YYYY-MM; empty while it goes on")
    transition: Transition = Field(description="was the move into this step chosen or imposed?")
    rome_code: str | None = Field(default=None, examples=["M1805"])
    naf_division: str | None = Field(default=None, examples=["62"])
    place_id: str | None = None
    text: str = Field(default="", max_length=500)
    transition_reason: TransitionReason | None = Field(
        default=None, description="why, when the transition was imposed (optional), e.g. redundancy"
    )
    employer: str = Field(
        default="", max_length=200, examples=["Boulangerie Martin"], description="the employer or organisation"
    )
    employer_siret: str = Field(default="", max_length=20, examples=["73282932000074"], description="when known")


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
            raise rules.InvalidPeer(
                [("consent_to_region", "Une visibilité régionale demande le consentement du pair.")]
            )
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


class CharterSectionOut(BaseModel):
    heading: str
    text: str


class CharterOut(BaseModel):
    """The charter in force, and whether the peer accepted it: until they do, matching does not suggest them."""

    version: str = Field(description="the version in force")
    published_on: str
    accepted: bool = Field(description="the peer accepted the version in force")
    accepted_version: str | None = Field(description="the version they accepted, if any (an older one asks again)")
    accepted_at: str | None

    @classmethod
    def of(cls, p: rules.Peer) -> CharterOut:
        return cls(
            version=charter.CURRENT.version,
            published_on=charter.CURRENT.published_on.isoformat(),
            accepted=p.charter_accepted,
            accepted_version=p.charter.version if p.charter else None,
            accepted_at=p.charter.accepted_at.isoformat() if p.charter else None,
        )


class CharterTextOut(CharterOut):
    """The same, with the text the peer reads on their own page."""

    title: str
    sections: list[CharterSectionOut]

    @classmethod
    def of(cls, p: rules.Peer) -> CharterTextOut:
        sections = [CharterSectionOut(heading=s.heading, text=s.text) for s in charter.CURRENT.sections]
        return cls(**CharterOut.of(p).model_dump(), title=charter.CURRENT.title, sections=sections)


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
    charter: CharterOut | None = Field(description="for the recruiting agency: whether the peer accepted the charter")
    labels: Labels = Field(description="what people read for the path's jobs, sectors and places")

    @classmethod
    def of(cls, p: rules.Peer, caller: Caller) -> PeerOut:
        own = p.agency_id == caller.agency_id
        shown = labels.of_codes(
            (s.rome_code for s in p.path),
            (s.naf_division for s in p.path),
            [*(s.place_id for s in p.path), p.identity.place_id if own else None],
        )
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
            status=p.status.value,
            version=p.version,
            charter=CharterOut.of(p) if own else None,
            labels=shown,
        )


class PauseIn(BaseModel):
    paused: bool


class WithdrawIn(BaseModel):
    reason: WithdrawalReason = WithdrawalReason.BY_REQUEST


class BecomePeerIn(BaseModel):
    email: str = Field(max_length=320, description="where introduction requests will reach them")
    visibility: Visibility = Visibility.AGENCY
    consent_to_region: bool = False
    offer: OfferIn
    path: list[StepIn]
    testimony: str = Field(default="", max_length=3000)

    def domain(self, caller: Caller, former: beneficiary_rules.Beneficiary) -> rules.Peer:
        """The peer the former beneficiary becomes: their name, phone and home from their record."""
        identity = PeerIdentityIn(
            first_name=former.identity.first_name,
            last_name=former.identity.last_name,
            email=self.email,
            phone=former.identity.phone,
            place_id=former.project.place_id,
        )
        as_peer = PeerIn(
            kind=PeerKind.FORMER_BENEFICIARY,
            identity=identity,
            visibility=self.visibility,
            consent_to_region=self.consent_to_region,
            offer=self.offer,
            path=self.path,
            testimony=self.testimony,
        )
        return replace(as_peer.domain(caller), former_beneficiary_id=former.beneficiary_id)
