"""Payloads published by the placements service (PMSMP conventions).

Transition events carry identifiers, dates, codes and the job, no names, contacts or free text; the one
exception is `contacts_changed`, which gives notifications the contact points it e-mails (as profiles'
contact events do), and which an erasure makes it delete."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Objective(StrEnum):
    """Exactly one per convention (Code du travail L5135-1)."""

    DISCOVER = "discover"  # découvrir un métier ou un secteur d'activité
    CONFIRM_PROJECT = "confirm_project"  # confirmer un projet professionnel
    START_RECRUITMENT = "start_recruitment"  # initier une démarche de recrutement


class PartyRole(StrEnum):
    """Who acts on a convention through a secure link, without an account."""

    EMPLOYER = "employer"
    TUTOR = "tutor"
    BENEFICIARY = "beneficiary"
    LEGAL_REPRESENTATIVE = "legal_representative"


class Attendance(StrEnum):
    COMPLETED = "completed"
    PARTLY = "partly"
    DID_NOT_SHOW = "did_not_show"


class ProjectConclusion(StrEnum):
    CONFIRMED = "confirmed"
    ADJUSTED = "adjusted"
    DROPPED = "dropped"


class ContractKind(StrEnum):
    CDI = "cdi"
    CDD = "cdd"
    INTERIM = "interim"
    APPRENTICESHIP = "apprenticeship"
    PROFESSIONALISATION = "professionalisation"
    INTEGRATION = "integration"  # contrat d'insertion (IAE)
    OTHER = "other"


class ConventionEventV1(BaseModel):
    """What every step of a convention says: which convention, for whom, where, when, what now."""

    model_config = ConfigDict(extra="ignore")

    convention_id: str
    agency_id: str
    beneficiary_id: str
    counsellor_id: str
    status: str = Field(description="the status after this step")
    previous_status: str | None = Field(default=None, description="none when the convention is created")
    action: str = Field(description="the transition taken: send, confirm, sign, validate, ...")
    actor: str = Field(description="counsellor, validator, employer, tutor, beneficiary, legal_representative, system")
    objective: Objective
    rome_code: str
    host_siret: str
    place_id: str = Field(description="where the immersion takes place (INSEE code)")
    start_date: date
    end_date: date
    renewal_of: str | None = Field(default=None, description="the convention this one renews")
    waiting_for: list[str] = Field(
        default_factory=list, description="who has to act next: counsellor, validator, employer, tutor, ..."
    )


class ConventionSignedV1(ConventionEventV1):
    signed_by: PartyRole
    all_signed: bool


class ConventionStoppedV1(ConventionEventV1):
    """Declined, rejected, cancelled, or an assessment contested: a reason code (the comment stays in
    placements)."""

    reason: str


class ConventionAssessedV1(ConventionEventV1):
    """The assessment, once submitted by the tutor and when the beneficiary agrees: profiles adds the
    immersion to the beneficiary's lived path from `assessed`."""

    naf_division: str | None = None
    attendance: Attendance
    objectives_met: bool
    hired: bool
    contract_kind: ContractKind | None = None
    hiring_start: date | None = None
    project_conclusion: ProjectConclusion


class ConventionRenewedV1(ConventionEventV1):
    renewal_id: str = Field(description="the new convention, a draft with the same host and objective")


class LinkPurpose(StrEnum):
    CONFIRM = "confirm"  # the employer confirms or declines hosting
    SIGN = "sign"
    ASSESS = "assess"  # the tutor fills in the assessment
    AGREE = "agree"  # the beneficiary agrees with the assessment


class LinkIssuedV1(BaseModel):
    """A party has a new secure link (any older one of that role is revoked): notifications signs it from
    these fields (`services.contracts.links.convention_link`) and e-mails it."""

    model_config = ConfigDict(extra="ignore")

    convention_id: str
    agency_id: str
    role: PartyRole
    link_id: str
    purpose: LinkPurpose
    expires_at: datetime
    reissued: bool = Field(default=False, description="sent again on request: the previous link no longer works")


class ReminderKind(StrEnum):
    SIGNATURES_MISSING = "signatures_missing"  # two working days before the start
    VALIDATION_PENDING = "validation_pending"  # three and one working days before the start
    ASSESSMENT_REQUEST = "assessment_request"  # the last day
    ASSESSMENT_OVERDUE = "assessment_overdue"  # three and ten days after the end


class ReminderDueV1(BaseModel):
    """Someone still has to act: remind them (links are those of the latest `link_issued` per role)."""

    model_config = ConfigDict(extra="ignore")

    convention_id: str
    agency_id: str
    counsellor_id: str
    kind: ReminderKind
    key: str = Field(description="unique per convention: the reminder and its date, e.g. validation_pending:-3")
    recipients: list[str] = Field(description="party roles, or 'agency' for its counsellor and validators")
    start_date: date
    end_date: date


class Contact(BaseModel):
    role: PartyRole
    name: str
    email: str = ""
    phone: str = ""


class ContactsChangedV1(BaseModel):
    """The parties' contact points, for notifications only; replaced by the next one, deleted on erasure."""

    model_config = ConfigDict(extra="ignore")

    convention_id: str
    agency_id: str
    beneficiary_id: str
    contacts: list[Contact]


class ContactsChangedV2(BaseModel):
    """Which parties a convention has contact points for, without them: notifications fetches them from
    placements (`GET /internal/conventions/{convention_id}/contacts`), so no topic holds a party's name,
    e-mail or phone; after an erasure placements no longer gives the erased person's."""

    model_config = ConfigDict(extra="ignore")

    convention_id: str
    agency_id: str
    beneficiary_id: str
    roles: list[PartyRole]
