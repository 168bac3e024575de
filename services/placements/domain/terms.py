"""What a convention says (D5135-2) and its assessment, with the checks a counsellor or tutor gets back,
every problem tied to its field. Pure: reference data are plain lookups."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field

from services.contracts.events.placements import (
    Attendance,
    ContractKind,
    Objective,
    PartyRole,
    ProjectConclusion,
)
from services.placements.domain.limits import Problems, period_problems, schedule_problems, siret_problems
from services.reference import jobs, places

ERASED = "[effacé]"  # what an erased beneficiary's name becomes
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 .\-]{8,20}$")

OBJECTIVE_LABELS = {
    Objective.DISCOVER: "Découvrir un métier ou un secteur d'activité",
    Objective.CONFIRM_PROJECT: "Confirmer un projet professionnel",
    Objective.START_RECRUITMENT: "Initier une démarche de recrutement",
}
ROLE_LABELS = {
    PartyRole.EMPLOYER: "Entreprise d'accueil",
    PartyRole.TUTOR: "Tuteur ou tutrice",
    PartyRole.BENEFICIARY: "Bénéficiaire",
    PartyRole.LEGAL_REPRESENTATIVE: "Représentant légal",
}


class Person(BaseModel):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field(max_length=200, description="where the signature link is sent")
    phone: str = Field(default="", max_length=30)


class LegalRepresentative(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=200)
    phone: str = Field(default="", max_length=30)


class Host(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    siret: str = Field(description="14 digits, checked with its key")
    address: str = Field(min_length=1, max_length=300)
    place_id: str = Field(description="INSEE code of the commune (GET /reference/places on profiles)")
    contact_name: str = Field(min_length=1, max_length=200, description="who signs for the host")
    email: str = Field(max_length=200, description="where the confirmation link is sent")
    phone: str = Field(default="", max_length=30)


class Tutor(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    job_title: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=200, description="where the assessment link is sent")
    phone: str = Field(default="", max_length=30)


class Terms(BaseModel):
    """The convention as the counsellor writes it."""

    beneficiary: Person
    legal_representative: LegalRepresentative | None = Field(default=None, description="required for a minor")
    host: Host
    tutor: Tutor
    objective: Objective
    operational_objectives: list[str] = Field(min_length=1, max_length=10)
    evaluation: str = Field(min_length=1, max_length=2000, description="how the objectives will be evaluated")
    rome_code: str = Field(description="the job the immersion is about (ROME sheet)")
    tasks: str = Field(min_length=1, max_length=4000)
    workplace: str = Field(default="", max_length=300, description="where, if not the host's address")
    start_date: date
    end_date: date
    schedule: dict[str, float] = Field(description='hours per weekday, e.g. {"monday": 7, "tuesday": 7}')


def _contact_problems(where: str, email: str, phone: str) -> Problems:
    problems: Problems = []
    if not EMAIL.match(email):
        problems.append((f"{where}.email", "Indiquez une adresse e-mail valide."))
    if phone and not PHONE.match(phone):
        problems.append((f"{where}.phone", "Indiquez un numéro de téléphone valide."))
    return problems


def terms_problems(terms: Terms, minor: bool, today: date) -> Problems:
    problems = siret_problems(terms.host.siret)
    if places.place(terms.host.place_id) is None:
        problems.append(("host.place_id", "Commune inconnue : choisissez-la dans la liste."))
    if jobs.job(terms.rome_code) is None:
        problems.append(("rome_code", f"Métier inconnu (code ROME {terms.rome_code}) : choisissez-le dans la liste."))
    problems += _contact_problems("beneficiary", terms.beneficiary.email, terms.beneficiary.phone)
    problems += _contact_problems("host", terms.host.email, terms.host.phone)
    problems += _contact_problems("tutor", terms.tutor.email, terms.tutor.phone)
    if minor and terms.legal_representative is None:
        problems.append(
            ("legal_representative", "Le bénéficiaire est mineur : indiquez son représentant légal, qui signe aussi.")
        )
    if terms.legal_representative is not None:
        representative = terms.legal_representative
        problems += _contact_problems("legal_representative", representative.email, representative.phone)
    problems += [
        (f"operational_objectives[{i}]", "must not be empty")
        for i, text in enumerate(terms.operational_objectives)
        if not text.strip()
    ]
    problems += period_problems(terms.start_date, terms.end_date, today)
    problems += schedule_problems(terms.schedule, minor)
    return problems


def signatories(terms: Terms) -> tuple[PartyRole, ...]:
    """Who signs by link (the prescribing agency signs by validating; the tutor does not sign)."""
    roles = [PartyRole.EMPLOYER, PartyRole.BENEFICIARY]
    if terms.legal_representative is not None:
        roles.append(PartyRole.LEGAL_REPRESENTATIVE)
    return tuple(roles)


class Assessment(BaseModel):
    """The bilan, as the tutor fills it in."""

    attendance: Attendance
    last_day_present: date | None = Field(default=None, description="when the immersion stopped early (partly)")
    missed_hours: float = Field(default=0, ge=0, le=300)
    no_show_reason: str = Field(default="", max_length=1000)
    objectives_met: bool
    hired: bool = False
    contract_kind: ContractKind | None = None
    hiring_start: date | None = None
    skills_observed: list[str] = Field(default_factory=list, max_length=20)
    project_conclusion: ProjectConclusion
    comments: str = Field(default="", max_length=4000)


def assessment_problems(assessment: Assessment, start: date, end: date) -> Problems:
    """In French: the tutor reads them on the assessment form."""
    problems: Problems = []
    if assessment.attendance is Attendance.PARTLY:
        day = assessment.last_day_present
        if day is None:
            problems.append(("last_day_present", "Indiquez le dernier jour de présence."))
        elif not start <= day <= end:
            problems.append(
                ("last_day_present", f"Le dernier jour de présence est entre le {start:%d/%m} et le {end:%d/%m}.")
            )
    if assessment.attendance is Attendance.DID_NOT_SHOW and not assessment.no_show_reason.strip():
        problems.append(
            ("no_show_reason", "Indiquez pourquoi la période n'a pas eu lieu (« inconnu » si vous ne savez pas).")
        )
    if assessment.hired:
        if assessment.contract_kind is None:
            problems.append(("contract_kind", "Indiquez le type de contrat proposé."))
        if assessment.hiring_start is None:
            problems.append(("hiring_start", "Indiquez la date d'embauche."))
    elif assessment.contract_kind is not None or assessment.hiring_start is not None:
        problems.append(("hired", "Un contrat est indiqué : cochez l'embauche."))
    return problems
