"""Payloads published by the profiles service."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AgencyKind(StrEnum):
    MISSION_LOCALE = "mission_locale"
    FRANCE_TRAVAIL = "france_travail"
    CAP_EMPLOI = "cap_emploi"
    CIO = "cio"
    CIDJ = "cidj"
    CHAMBER_OF_COMMERCE = "chamber_of_commerce"
    CHAMBER_OF_TRADES = "chamber_of_trades"
    CHAMBER_OF_AGRICULTURE = "chamber_of_agriculture"
    OTHER = "other"


class AgencyRegisteredV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agency_id: str
    name: str = Field(min_length=1)
    kind: AgencyKind
    region_code: str = Field(description="INSEE region code, e.g. 52 for Pays de la Loire")
    places_served: list[str] = Field(default_factory=list, description="place ids (added within v1)")


class AgencyRenamedV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agency_id: str
    name: str = Field(min_length=1)


class AgencyClosedV1(BaseModel):
    """The agency stops for good: its staff can no longer sign in, and it leaves every list of agencies."""

    model_config = ConfigDict(extra="ignore")

    agency_id: str


class StaffRole(StrEnum):
    COUNSELLOR = "counsellor"
    VALIDATOR = "validator"
    AGENCY_ADMIN = "agency_admin"
    REGIONAL_COORDINATOR = "regional_coordinator"


class StaffRegisteredV1(BaseModel):
    """Also the staff member's contact point for the notifications service."""

    model_config = ConfigDict(extra="ignore")

    staff_id: str
    agency_id: str
    name: str
    email: str
    roles: list[StaffRole]


class StaffRegisteredV2(BaseModel):
    """A new account, without its name or e-mail: notifications fetches them from profiles
    (`GET /internal/staff/{staff_id}/contact`, see `services.kit.internal_api`), so no topic holds them."""

    model_config = ConfigDict(extra="ignore")

    staff_id: str
    agency_id: str
    roles: list[StaffRole]


class StaffDeactivatedV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    staff_id: str
    agency_id: str


class Situation(StrEnum):
    STUDENT = "student"
    JOB_SEEKER = "job_seeker"
    EMPLOYEE = "employee"
    APPRENTICE = "apprentice"
    NEET = "neet"  # not in education, employment or training
    OTHER = "other"


class EducationLevel(StrEnum):
    """French qualification levels (nomenclature of 2019)."""

    NONE = "none"
    LEVEL_3 = "level_3"  # CAP, BEP
    LEVEL_4 = "level_4"  # baccalauréat
    LEVEL_5 = "level_5"  # bac+2: BTS, DUT
    LEVEL_6 = "level_6"  # bac+3: licence, BUT
    LEVEL_7 = "level_7"  # bac+5: master
    LEVEL_8 = "level_8"  # doctorate


class MeetingMode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    COMPANY_VISIT = "company_visit"


class StepKind(StrEnum):
    TRAINING = "training"
    JOB = "job"
    APPRENTICESHIP = "apprenticeship"
    IMMERSION = "immersion"
    UNEMPLOYMENT = "unemployment"
    OTHER = "other"


class Transition(StrEnum):
    CHOSEN = "chosen"
    IMPOSED = "imposed"


class TransitionReason(StrEnum):
    """Why an imposed transition happened. Kept in profiles: a reason such as health is sensitive, and
    matching needs only whether the move was chosen or imposed."""

    REDUNDANCY = "redundancy"
    HEALTH = "health"
    END_OF_CONTRACT = "end_of_contract"
    RELOCATION = "relocation"
    OTHER = "other"


class PreviousStepV1(BaseModel):
    """A job or training the beneficiary had before their accompaniment: codes and months only."""

    model_config = ConfigDict(extra="ignore")

    kind: StepKind
    rome_code: str | None = None
    naf_division: str | None = None
    start_month: str = Field(description="YYYY-MM")
    end_month: str | None = Field(default=None, description="YYYY-MM; none while it goes on")


class BeneficiaryProjectV1(BaseModel):
    """What matching needs of a beneficiary, and nothing that names them."""

    model_config = ConfigDict(extra="ignore")

    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    minor: bool
    place_id: str
    latitude: float
    longitude: float
    mobility_km: int
    situation: Situation
    education_level: EducationLevel
    target_jobs: list[str]
    sectors: list[str]
    meeting_modes: list[MeetingMode]
    languages: list[str]
    matching_consent: bool
    previous_steps: list[PreviousStepV1] = Field(
        default_factory=list, description="jobs and trainings before the accompaniment (added within v1)"
    )
    transition: Transition | None = Field(
        default=None,
        description="the move the beneficiary is making now, chosen or imposed; none when not said. Its reason "
        "stays in profiles (added within v1)",
    )


class BeneficiaryRegisteredV1(BeneficiaryProjectV1):
    pass


class BeneficiaryProjectChangedV1(BeneficiaryProjectV1):
    pass


class ClosingOutcome(StrEnum):
    """How an accompaniment ended, as a code: the counsellor's own words stay in profiles."""

    EMPLOYMENT = "employment"
    TRAINING = "training"
    OTHER_SUPPORT = "other_support"
    MOVED_AWAY = "moved_away"
    LOST_CONTACT = "lost_contact"
    OTHER = "other"


class BeneficiaryClosedV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    beneficiary_id: str
    agency_id: str
    outcome: ClosingOutcome


class PeerKind(StrEnum):
    FORMER_BENEFICIARY = "former_beneficiary"
    APPRENTICE = "apprentice"
    STUDENT = "student"
    PROFESSIONAL = "professional"
    MENTOR = "mentor"


class Visibility(StrEnum):
    AGENCY = "agency"  # the recruiting agency only
    REGION = "region"  # every agency of the region, by the peer's consent


class PathStepV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: StepKind
    rome_code: str | None = None
    naf_division: str | None = None
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    start_month: str = Field(description="YYYY-MM")
    end_month: str | None = Field(default=None, description="YYYY-MM; none while it goes on")
    transition: Transition
    employer_id: str | None = Field(
        default=None,
        description="who employed or trained the peer in this step, never their name: the SIREN when the SIRET "
        "is known, else a digest of the name (added within v1)",
    )


class PeerCardV1(BaseModel):
    """What matching needs of a peer: their offer and lived path, not their name or contact."""

    model_config = ConfigDict(extra="ignore")

    peer_id: str
    agency_id: str
    region_code: str
    kind: PeerKind
    visibility: Visibility
    vetted: bool
    meeting_modes: list[MeetingMode]
    company_visits: bool
    capacity_per_month: int
    paused: bool
    languages: list[str]
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    path: list[PathStepV1]
    charter_version: str | None = Field(
        default=None,
        description="the version of the peers' charter the peer accepted (none: not yet); matching suggests only "
        "peers who accepted the current one (services.reference.charter)",
    )


class PeerPublishedV1(PeerCardV1):
    pass


class PeerUpdatedV1(PeerCardV1):
    pass


class PeerCharterRequestedV1(BaseModel):
    """The peer is asked to accept the current charter: notifications e-mails them their own link (a new peer,
    a new version of the charter, or their counsellor sending it again)."""

    model_config = ConfigDict(extra="ignore")

    peer_id: str
    agency_id: str
    charter_version: str
    expires_at: datetime = Field(description="the peer's own link is signed from it (valid 90 days after)")


class PeerPausedV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    peer_id: str
    agency_id: str
    paused: bool


class WithdrawalReason(StrEnum):
    BY_REQUEST = "by_request"
    CONSENT_EXPIRED = "consent_expired"
    UNREACHABLE = "unreachable"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


class PeerWithdrawnV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    peer_id: str
    agency_id: str
    reason: WithdrawalReason


class PeerContactV1(BaseModel):
    """The peer's contact point, for the notifications service only (no longer published: v2)."""

    model_config = ConfigDict(extra="ignore")

    peer_id: str
    agency_id: str
    name: str
    email: str
    phone: str


class PeerContactChangedV2(BaseModel):
    """The peer's contact point changed, without it: notifications fetches it from profiles
    (`GET /internal/peers/{peer_id}/contact`), so no topic holds a name, e-mail or phone to outlive an
    erasure; a replay fetches what profiles holds then (nothing, once the peer is erased)."""

    model_config = ConfigDict(extra="ignore")

    peer_id: str
    agency_id: str


class PersonKind(StrEnum):
    BENEFICIARY = "beneficiary"
    PEER = "peer"


class PersonErasedV1(BaseModel):
    """A person's data must be forgotten by every service that holds any."""

    model_config = ConfigDict(extra="ignore")

    person_id: str
    person_kind: PersonKind
    agency_id: str
