"""A peer and their lived path as a type, the rules of a good profile, the matching card, publishing and who
may see a peer: pure, no I/O (reference data are plain lookups). The life cycle is in `peer_lifecycle`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import (
    MeetingMode,
    PeerCharterRequestedV1,
    PeerContactChangedV2,
    PeerKind,
    PeerPublishedV1,
    PeerUpdatedV1,
    StepKind,
    Transition,
    TransitionReason,
    Visibility,
)
from services.kit.ids import new_id
from services.profiles.domain.events import InvalidInput, event
from services.profiles.domain.steps import (
    code_problems,
    employer_id,
    employer_problems,
    month_problems,
    tidy_siret,
    transition_problems,
)
from services.reference import charter, places

LANGUAGE = re.compile(r"^[a-z]{2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_STEPS = 30
MAX_CAPACITY = 20


class InvalidPeer(InvalidInput):
    pass


class Status(StrEnum):
    """What a peer's stored `status` says."""

    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


class Stage(StrEnum):
    """Where a peer is in their life cycle: their status, with a published peer's pause."""

    PUBLISHED = "published"
    PAUSED = "paused"  # published, taking no new introductions
    WITHDRAWN = "withdrawn"  # out of every suggestion list for good; their data stay until erased
    ERASED = "erased"  # nothing left but a tombstone


@dataclass(frozen=True)
class Step:
    kind: StepKind
    start_month: str
    transition: Transition
    end_month: str | None = None
    rome_code: str | None = None
    naf_division: str | None = None
    place_id: str | None = None
    text: str = ""
    transition_reason: TransitionReason | None = None  # why, when imposed (optional for a peer)
    employer: str = ""  # the employer or organisation, as people name it; stays in profiles
    employer_siret: str = ""  # when known, its key checked


@dataclass(frozen=True)
class Offer:
    meeting_modes: tuple[MeetingMode, ...]
    company_visits: bool = False
    capacity_per_month: int = 2
    languages: tuple[str, ...] = ("fr",)


@dataclass(frozen=True)
class PeerIdentity:
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    place_id: str | None = None


@dataclass(frozen=True)
class CharterAcceptance:
    """The version of the peers' charter the peer accepted, and when (from their own link)."""

    version: str
    accepted_at: datetime


CHARTER_ASKED_DAYS = 30  # the peer's own link in the charter's e-mail is signed from this (valid 90 days after)


@dataclass(frozen=True)
class Peer:
    peer_id: str
    agency_id: str
    region_code: str
    kind: PeerKind
    identity: PeerIdentity
    visibility: Visibility
    offer: Offer
    path: tuple[Step, ...]
    testimony: str = ""
    video_url: str = ""
    vetted: bool = False
    paused: bool = False
    status: Status = Status.PUBLISHED
    consent_expires_at: datetime | None = None
    former_beneficiary_id: str | None = None
    version: int = 1
    erased_at: datetime | None = None
    charter: CharterAcceptance | None = None  # none until the peer accepts the charter from their link

    @property
    def charter_accepted(self) -> bool:
        """Whether the peer accepted the charter in force: until then, matching does not suggest them."""
        return self.charter is not None and charter.accepted_current(self.charter.version)

    @property
    def stage(self) -> Stage:
        if self.status is Status.PUBLISHED and self.paused:
            return Stage.PAUSED
        return Stage(self.status.value)


def path_problems(path: tuple[Step, ...], today: date | None = None) -> list[tuple[str, str]]:
    this_month = (today or date.today()).strftime("%Y-%m")
    problems: list[tuple[str, str]] = []
    if not path:
        problems.append(("path", "Un parcours vécu a au moins une étape."))
    if len(path) > MAX_STEPS:
        problems.append(("path", f"Un parcours a au plus {MAX_STEPS} étapes."))
    for index, step in enumerate(path):
        where = f"path[{index}]"
        problems += month_problems(where, step.start_month, step.end_month, this_month)
        problems += code_problems(where, step.kind, step.rome_code, step.naf_division)
        problems += transition_problems(f"{where}.transition_reason", step.transition, step.transition_reason, False)
        problems += employer_problems(where, step.employer, step.employer_siret)
        if step.place_id is not None and places.place(step.place_id) is None:
            problems.append((f"{where}.place_id", "Commune inconnue : choisissez-la dans la liste."))
        if len(step.text) > 500:
            problems.append((f"{where}.text", "Indiquez au plus 500 caractères."))
    return problems


def offer_problems(offer: Offer) -> list[tuple[str, str]]:
    problems = []
    if not offer.meeting_modes:
        problems.append(("offer.meeting_modes", "Choisissez au moins une façon de se rencontrer."))
    if not 0 <= offer.capacity_per_month <= MAX_CAPACITY:
        problems.append(("offer.capacity_per_month", f"Indiquez entre 0 et {MAX_CAPACITY} rencontres par mois."))
    problems += [
        ("offer.languages", f"« {c} » n'est pas un code de langue à deux lettres (fr, en, ar…).")
        for c in offer.languages
        if not LANGUAGE.match(c)
    ]
    return problems


def identity_problems(identity: PeerIdentity) -> list[tuple[str, str]]:
    problems = []
    if not identity.first_name.strip():
        problems.append(("identity.first_name", "Indiquez le prénom."))
    if not identity.last_name.strip():
        problems.append(("identity.last_name", "Indiquez le nom."))
    for name, value, longest in (
        ("first_name", identity.first_name, 100),
        ("last_name", identity.last_name, 100),
        ("email", identity.email, 320),
        ("phone", identity.phone, 40),
    ):
        if len(value) > longest:
            problems.append((f"identity.{name}", f"Indiquez au plus {longest} caractères."))
    if not EMAIL.match(identity.email.strip()):
        problems.append(
            ("identity.email", "Indiquez une adresse e-mail valide : les demandes de mise en relation y arrivent.")
        )
    if identity.place_id is not None and places.place(identity.place_id) is None:
        problems.append(("identity.place_id", "Commune inconnue : choisissez-la dans la liste."))
    return problems


def _normalized(peer: Peer) -> Peer:
    steps = tuple(
        sorted(
            (
                replace(
                    s,
                    rome_code=s.rome_code.strip().upper() if s.rome_code else None,
                    text=s.text.strip(),
                    employer=" ".join(s.employer.split()) if s.employer.isprintable() else s.employer,
                    employer_siret=tidy_siret(s.employer_siret),
                )
                for s in peer.path
            ),
            key=lambda s: (s.start_month, s.end_month or "9999-99"),
        )
    )
    offer = replace(
        peer.offer,
        meeting_modes=tuple(dict.fromkeys(peer.offer.meeting_modes)),
        languages=tuple(dict.fromkeys(c.strip().lower() for c in peer.offer.languages)),
    )
    identity = replace(
        peer.identity,
        email=peer.identity.email.strip().lower(),
        first_name=peer.identity.first_name.strip(),
        last_name=peer.identity.last_name.strip(),
    )
    return replace(peer, path=steps, offer=offer, identity=identity)


def checked(peer: Peer, today: date | None = None) -> Peer:
    """The peer tidied (codes, e-mail, path in date order), or InvalidPeer naming every problem."""
    peer = _normalized(peer)
    problems = identity_problems(peer.identity) + offer_problems(peer.offer) + path_problems(peer.path, today)
    if peer.video_url and not peer.video_url.startswith("https://"):
        problems.append(("video_url", "Indiquez un lien qui commence par https://."))
    if len(peer.video_url) > 500:
        problems.append(("video_url", "Indiquez au plus 500 caractères."))
    if len(peer.testimony) > 3000:
        problems.append(("testimony", "Indiquez au plus 3 000 caractères."))
    if problems:
        raise InvalidPeer(problems)
    return peer


def card(peer: Peer) -> dict[str, object]:
    """The matching card: offer and path, nothing that names or reaches the peer."""
    home = places.place(peer.identity.place_id) if peer.identity.place_id else None
    steps = []
    for s in peer.path:
        place = places.place(s.place_id) if s.place_id else None
        steps.append(
            {
                "kind": s.kind,
                "rome_code": s.rome_code,
                "naf_division": s.naf_division,
                "place_id": s.place_id,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "start_month": s.start_month,
                "end_month": s.end_month,
                "transition": s.transition,
                "employer_id": employer_id(s.employer, s.employer_siret),
            }
        )
    return {
        "peer_id": peer.peer_id,
        "agency_id": peer.agency_id,
        "region_code": peer.region_code,
        "kind": peer.kind,
        "visibility": peer.visibility,
        "vetted": peer.vetted,
        "meeting_modes": list(peer.offer.meeting_modes),
        "company_visits": peer.offer.company_visits,
        "capacity_per_month": peer.offer.capacity_per_month,
        "paused": peer.paused,
        "languages": list(peer.offer.languages),
        "place_id": home.place_id if home else None,
        "latitude": home.latitude if home else None,
        "longitude": home.longitude if home else None,
        "path": steps,
        "charter_version": peer.charter.version if peer.charter else None,
    }


def contact_changed(peer: Peer) -> Envelope:
    """The peer's contact point changed; notifications fetches it from profiles, so that no topic holds a
    name, e-mail or phone that would outlive the peer's erasure."""
    payload = PeerContactChangedV2(peer_id=peer.peer_id, agency_id=peer.agency_id)
    announced = event("profiles.peer.contact_changed", "peer", peer.peer_id, peer.version, peer.agency_id, payload)
    return announced.model_copy(update={"event_version": 2})


def card_changed(peer: Peer) -> Envelope:
    payload = PeerUpdatedV1.model_validate(card(peer))
    return event("profiles.peer.updated", "peer", peer.peer_id, peer.version, peer.agency_id, payload)


def charter_requested(peer: Peer, now: datetime) -> Envelope:
    """The peer is asked to accept the charter in force: notifications e-mails them their own link."""
    payload = PeerCharterRequestedV1(
        peer_id=peer.peer_id,
        agency_id=peer.agency_id,
        charter_version=charter.CURRENT.version,
        expires_at=now + timedelta(days=CHARTER_ASKED_DAYS),
    )
    return event("profiles.peer.charter_requested", "peer", peer.peer_id, peer.version, peer.agency_id, payload)


def publish(peer: Peer, consent_months: int = 24, now: datetime | None = None) -> tuple[Peer, list[Envelope]]:
    """A new peer, published with their consent (which also decides their visibility). Matching suggests them
    once they accepted the charter: the e-mail asking them to goes with the publication."""
    now = now or datetime.now(UTC)
    peer = checked(
        replace(
            peer,
            peer_id=peer.peer_id or new_id(),
            version=1,
            status=Status.PUBLISHED,
            consent_expires_at=now + timedelta(days=30 * consent_months),
        ),
        now.date(),
    )
    published = event(
        "profiles.peer.published", "peer", peer.peer_id, 1, peer.agency_id, PeerPublishedV1.model_validate(card(peer))
    )
    asked = [] if peer.charter_accepted else [charter_requested(peer, now)]
    return peer, [published, contact_changed(peer), *asked]


def visible_to(peer: Peer, agency_id: str, region_code: str) -> bool:
    """The recruiting agency sees its peers; others see published region-wide peers of their region."""
    if peer.agency_id == agency_id:
        return True
    return peer.status is Status.PUBLISHED and peer.visibility == Visibility.REGION and peer.region_code == region_code
