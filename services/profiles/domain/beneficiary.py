"""A beneficiary and their career project as a type, the rules of a good record, and registering one: pure,
no I/O (reference data are plain lookups). The life cycle is in `beneficiary_lifecycle`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import (
    BeneficiaryProjectChangedV1,
    BeneficiaryRegisteredV1,
    EducationLevel,
    MeetingMode,
    Situation,
    StepKind,
    Transition,
    TransitionReason,
)
from services.kit.ids import new_id
from services.profiles.domain.events import InvalidInput, event
from services.profiles.domain.steps import code_problems, month_problems, transition_problems
from services.reference import jobs, places

LANGUAGE = re.compile(r"^[a-z]{2}$")
MAX_TARGET_JOBS = 5
MAX_MOBILITY_KM = 300
MAX_PREVIOUS_STEPS = 15
PREVIOUS_KINDS = (StepKind.JOB, StepKind.TRAINING, StepKind.APPRENTICESHIP)  # jobs and trainings before
ADULT_AGE = 18


IDENTITY_FIELDS = {"first_name", "last_name", "birth_year", "birth_date", "guardian", "email", "phone"}
TOP_FIELDS = {"counsellor_id", "status", "outcome"}  # in the body itself, not in its identity or project


class InvalidBeneficiary(InvalidInput):
    """Problems named by the field alone: where it sits in the request body is this class's to say."""

    def location(self, field: str) -> list[str]:
        if field in TOP_FIELDS:
            return [field]
        return ["identity" if field in IDENTITY_FIELDS else "project", *field.split(".")]


class Status(StrEnum):
    """Where a beneficiary is in their life cycle, as their stored `status` says."""

    ACTIVE = "active"  # accompanied by the agency
    CLOSED = "closed"  # the accompaniment ended, with an outcome
    ERASED = "erased"  # nothing left but a tombstone


@dataclass(frozen=True)
class Guardian:
    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class PreviousStep:
    """A job or training the beneficiary had before their accompaniment, in the words of a peer's path."""

    kind: StepKind
    start_month: str
    end_month: str | None = None
    rome_code: str | None = None
    naf_division: str | None = None


@dataclass(frozen=True)
class CurrentTransition:
    """The move the beneficiary is making now: chosen, or imposed and why (the reason stays in profiles)."""

    kind: Transition
    reason: TransitionReason | None = None


@dataclass(frozen=True)
class Project:
    place_id: str
    mobility_km: int
    situation: Situation
    education_level: EducationLevel
    target_jobs: tuple[str, ...]
    sectors: tuple[str, ...] = ()
    meeting_modes: tuple[MeetingMode, ...] = (MeetingMode.IN_PERSON,)
    languages: tuple[str, ...] = ("fr",)
    previous_steps: tuple[PreviousStep, ...] = ()
    transition: CurrentTransition | None = None


@dataclass(frozen=True)
class Identity:
    first_name: str
    last_name: str
    birth_year: int
    email: str = ""
    phone: str = ""
    guardian: Guardian | None = None
    accessibility_needs: str = ""  # sensitive: never leaves the profiles service
    # a minor's only (a PMSMP needs 16 on its first day): placements fetches it, it never travels on Kafka
    birth_date: date | None = None


@dataclass(frozen=True)
class Consent:
    matching: bool
    given_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LivedStep:
    """A step the beneficiary lived during their accompaniment, as another service reported it: for now
    the PMSMP immersions, once assessed."""

    source_id: str  # the convention: a step is recorded once
    kind: StepKind
    start_date: date
    end_date: date
    rome_code: str
    naf_division: str | None
    place_id: str
    outcome: str  # the beneficiary's conclusion about their project: confirmed, adjusted, dropped
    hired: bool = False


@dataclass(frozen=True)
class Beneficiary:
    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    identity: Identity
    project: Project
    consent: Consent
    status: Status = Status.ACTIVE
    outcome: str = ""  # a ClosingOutcome once closed
    outcome_note: str = ""
    version: int = 1
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    path: tuple[LivedStep, ...] = ()
    erased_at: datetime | None = None

    @property
    def minor(self) -> bool:
        return is_minor(self.identity.birth_year)


def is_minor(birth_year: int, today: date | None = None) -> bool:
    """By birth year only: someone who turns 18 this year counts as an adult."""
    return ((today or date.today()).year - birth_year) < ADULT_AGE


def identity_problems(identity: Identity, today: date | None = None) -> list[tuple[str, str]]:
    problems = []
    year = (today or date.today()).year
    if not identity.first_name.strip():
        problems.append(("first_name", "Indiquez le prénom."))
    if not identity.last_name.strip():
        problems.append(("last_name", "Indiquez le nom."))
    if not 1930 <= identity.birth_year <= year - 13:
        problems.append(("birth_year", f"Indiquez une année de naissance entre 1930 et {year - 13}."))
    elif is_minor(identity.birth_year, today):
        guardian = identity.guardian
        if guardian is None or not guardian.name.strip() or not (guardian.phone.strip() or guardian.email.strip()):
            problems.append(
                ("guardian", "Pour un mineur, indiquez son représentant légal : un nom et un téléphone ou un e-mail.")
            )
    return problems + birth_date_problems(identity, today)


def birth_date_problems(identity: Identity, today: date | None = None) -> list[tuple[str, str]]:
    """The date of birth is kept for minors only, and agrees with the year of birth."""
    born = identity.birth_date
    if born is None:
        return []
    if not is_minor(identity.birth_year, today):
        return [("birth_date", "La date de naissance n'est gardée que pour un mineur : laissez-la vide.")]
    if born.year != identity.birth_year:
        return [("birth_date", f"Cette date n'est pas en {identity.birth_year}, l'année de naissance indiquée.")]
    return []


def background_problems(project: Project, today: date | None = None) -> list[tuple[str, str]]:
    """The previous jobs and trainings, and the current transition."""
    this_month = (today or date.today()).strftime("%Y-%m")
    problems = []
    if len(project.previous_steps) > MAX_PREVIOUS_STEPS:
        problems.append(("previous_steps", f"Indiquez au plus {MAX_PREVIOUS_STEPS} emplois ou formations."))
    for index, step in enumerate(project.previous_steps):
        where = f"previous_steps[{index}]"
        if step.kind not in PREVIOUS_KINDS:
            problems.append((f"{where}.kind", "Une étape passée est un emploi, une formation ou un apprentissage."))
        problems += month_problems(where, step.start_month, step.end_month, this_month)
        problems += code_problems(where, step.kind, step.rome_code, step.naf_division)
    if project.transition is not None:
        problems += transition_problems("transition.reason", project.transition.kind, project.transition.reason, True)
    return problems


def project_problems(project: Project, today: date | None = None) -> list[tuple[str, str]]:
    problems = background_problems(project, today)
    if places.place(project.place_id) is None:
        problems.append(("place_id", "Commune inconnue : choisissez-la dans la liste."))
    if not 0 <= project.mobility_km <= MAX_MOBILITY_KM:
        problems.append(("mobility_km", f"Indiquez une distance entre 0 et {MAX_MOBILITY_KM} km."))
    if not project.target_jobs:
        problems.append(("target_jobs", "Choisissez au moins un métier visé."))
    if len(project.target_jobs) > MAX_TARGET_JOBS:
        problems.append(("target_jobs", f"Choisissez au plus {MAX_TARGET_JOBS} métiers."))
    problems += [
        ("target_jobs", f"Métier inconnu (code ROME {c}) : choisissez-le dans la liste.")
        for c in project.target_jobs
        if not jobs.job(c)
    ]
    problems += [
        ("sectors", f"Secteur inconnu (code NAF {c}) : choisissez-le dans la liste.")
        for c in project.sectors
        if not jobs.sector(c)
    ]
    if not project.meeting_modes:
        problems.append(("meeting_modes", "Choisissez au moins une façon de se rencontrer."))
    problems += [
        ("languages", f"« {c} » n'est pas un code de langue à deux lettres (fr, en, ar…).")
        for c in project.languages
        if not LANGUAGE.match(c)
    ]
    return problems


def check(identity: Identity, project: Project) -> None:
    """InvalidBeneficiary naming every problem of the identity and the project."""
    problems = identity_problems(identity) + project_problems(project)
    if problems:
        raise InvalidBeneficiary(problems)


def _project_payload(b: Beneficiary) -> dict[str, object]:
    place = places.place(b.project.place_id)
    assert place is not None
    return {
        "beneficiary_id": b.beneficiary_id,
        "agency_id": b.agency_id,
        "counsellor_id": b.counsellor_id,
        "minor": b.minor,
        "place_id": place.place_id,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "mobility_km": b.project.mobility_km,
        "situation": b.project.situation,
        "education_level": b.project.education_level,
        "target_jobs": list(b.project.target_jobs),
        "sectors": list(b.project.sectors),
        "meeting_modes": list(b.project.meeting_modes),
        "languages": list(b.project.languages),
        "matching_consent": b.consent.matching,
        "previous_steps": [
            dict(vars(step)) for step in b.project.previous_steps
        ],  # codes and months only: the reason of an imposed transition stays here
        "transition": b.project.transition.kind if b.project.transition else None,
    }


def normalize(project: Project) -> Project:
    return replace(
        project,
        target_jobs=tuple(dict.fromkeys(c.strip().upper() for c in project.target_jobs)),
        sectors=tuple(dict.fromkeys(project.sectors)),
        meeting_modes=tuple(dict.fromkeys(project.meeting_modes)),
        languages=tuple(dict.fromkeys(c.strip().lower() for c in project.languages)),
        previous_steps=tuple(
            sorted(
                (
                    replace(s, rome_code=s.rome_code.strip().upper() if s.rome_code else None)
                    for s in project.previous_steps
                ),
                key=lambda s: (s.start_month, s.end_month or "9999-99"),
            )
        ),
    )


def register(
    agency_id: str,
    counsellor_id: str,
    identity: Identity,
    project: Project,
    matching_consent: bool,
    consent_months: int = 12,
    now: datetime | None = None,
) -> tuple[Beneficiary, Envelope]:
    project = normalize(project)
    identity = replace(identity, first_name=identity.first_name.strip(), last_name=identity.last_name.strip())
    check(identity, project)
    now = now or datetime.now(UTC)
    consent = Consent(matching_consent, now, now + timedelta(days=30 * consent_months))
    beneficiary = Beneficiary(new_id(), agency_id, counsellor_id, identity, project, consent, created_at=now)
    payload = BeneficiaryRegisteredV1.model_validate(_project_payload(beneficiary))
    return beneficiary, event(
        "profiles.beneficiary.registered", "beneficiary", beneficiary.beneficiary_id, 1, agency_id, payload
    )


def project_changed(changed: Beneficiary) -> Envelope:
    """What matching needs of the beneficiary (no name, no contact), after a change."""
    payload = BeneficiaryProjectChangedV1.model_validate(_project_payload(changed))
    return event(
        "profiles.beneficiary.project_changed",
        "beneficiary",
        changed.beneficiary_id,
        changed.version,
        changed.agency_id,
        payload,
    )
