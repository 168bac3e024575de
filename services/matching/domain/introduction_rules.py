"""The rules a proposal and a feedback are checked against, the deadlines of a request, the target job a
peer's path comes closest to, and the guide a job inquiry comes with: pure values and functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from services.kit.domain import InvalidInput
from services.matching.domain.model import BeneficiaryView, PeerView


class Purpose(StrEnum):
    JOB_INQUIRY = "job_inquiry"  # enquête métier
    TESTIMONY = "testimony"
    COMPANY_VISIT = "company_visit"
    MENTORING = "mentoring"  # parrainage, over several months


PURPOSE_LABELS = {
    Purpose.JOB_INQUIRY: "Enquête métier",
    Purpose.TESTIMONY: "Témoignage",
    Purpose.COMPANY_VISIT: "Visite d'entreprise",
    Purpose.MENTORING: "Parrainage",
}

JOB_INQUIRY_GUIDE = (
    "Comment êtes-vous arrivé(e) à ce métier ? Quelle formation avez-vous suivie ?",
    "À quoi ressemble une journée ou une semaine type ?",
    "Qu'est-ce qui vous plaît le plus, et le moins, dans ce métier ?",
    "Quelles qualités et compétences sont indispensables ?",
    "Quelles sont les conditions de travail (horaires, déplacements, salaire de départ) ?",
    "Comment se passe le recrutement ? Qui embauche dans la région ?",
    "Quel conseil donneriez-vous à quelqu'un qui veut se lancer ?",
)


@dataclass(frozen=True)
class Deadlines:
    expires_at: datetime
    remind_at: datetime


def deadlines(proposed_at: datetime, expiry_days: int, reminder_days_before: int) -> Deadlines:
    expires_at = proposed_at + timedelta(days=expiry_days)
    return Deadlines(expires_at, expires_at - timedelta(days=min(reminder_days_before, expiry_days)))


def closest_target(beneficiary: BeneficiaryView, peer: PeerView) -> str:
    """The target job the peer's path comes closest to."""
    lived = {s.rome_code for s in peer.path if s.rome_code}
    for prefix in (5, 3, 1):  # same sheet, same domain, same grand domain
        for target in beneficiary.target_jobs:
            if any(code[:prefix] == target[:prefix] for code in lived):
                return target
    return beneficiary.target_jobs[0]


def check_proposal(
    purpose: Purpose,
    peer_modes: frozenset[str],
    mentoring_months: int | None,
    questions: list[str],
) -> None:
    problems: list[tuple[str, str]] = []
    if purpose == Purpose.COMPANY_VISIT and "company_visit" not in peer_modes:
        problems.append(("purpose", "Ce pair ne propose pas de visite d'entreprise."))
    if purpose == Purpose.MENTORING and not (mentoring_months and 2 <= mentoring_months <= 12):
        problems.append(("mentoring_months", "Un parrainage dure de 2 à 12 mois : indiquez combien."))
    if purpose != Purpose.MENTORING and mentoring_months is not None:
        problems.append(("mentoring_months", "Seul un parrainage a une durée."))
    if questions and purpose != Purpose.JOB_INQUIRY:
        problems.append(("questions", "Les questions se préparent pour une enquête métier seulement."))
    if problems:
        raise InvalidInput(problems)


def check_feedback(took_place: bool, usefulness: int | None, no_show: bool = False) -> None:
    if took_place and usefulness is None:
        raise InvalidInput([("usefulness", "Dites combien la rencontre a été utile, de 1 à 5.")])
    if not took_place and usefulness is not None:
        raise InvalidInput([("usefulness", "Une rencontre qui n'a pas eu lieu ne se note pas.")])
    if took_place and no_show:
        raise InvalidInput([("no_show", "Une rencontre qui a eu lieu n'est pas une absence.")])


def aware(moment: datetime) -> datetime:
    """Dates read back from the database may come without their zone: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
