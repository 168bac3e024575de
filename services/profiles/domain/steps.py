"""What a dated step of a path must hold, for a peer's lived path and a beneficiary's previous jobs alike:
months, job and sector codes from the reference, an employer's SIRET with its key, and the words of a
transition (chosen, or imposed and why). Pure: each check returns (field, French message) pairs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from services.contracts.events.profiles import StepKind, Transition, TransitionReason
from services.profiles.domain.agency import name_key
from services.reference import jobs
from services.reference.siret import siret_problems

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STEPS_WITH_A_JOB = {StepKind.JOB, StepKind.APPRENTICESHIP, StepKind.IMMERSION}
MAX_EMPLOYER_LENGTH = 120
Problems = list[tuple[str, str]]


def month_problems(where: str, start_month: str, end_month: str | None, this_month: str) -> Problems:
    problems = []
    for name, value in (("start_month", start_month), ("end_month", end_month)):
        if value is not None and not MONTH.match(value):
            problems.append((f"{where}.{name}", "Indiquez un mois sous la forme AAAA-MM."))
        elif value is not None and value > this_month:
            problems.append((f"{where}.{name}", "Ce mois est dans le futur."))
    well_formed = bool(end_month and MONTH.match(start_month) and MONTH.match(end_month))
    if well_formed and (end_month or "") < start_month:
        problems.append((f"{where}.end_month", "La fin précède le début de cette étape."))
    return problems


def code_problems(where: str, kind: StepKind, rome_code: str | None, naf_division: str | None) -> Problems:
    problems = []
    if rome_code is not None and jobs.job(rome_code) is None:
        problems.append(
            (f"{where}.rome_code", f"Métier inconnu (code ROME {rome_code}) : choisissez-le dans la liste.")
        )
    if rome_code is None and kind in STEPS_WITH_A_JOB:
        problems.append((f"{where}.rome_code", "Cette étape nomme son métier : choisissez-le dans la liste."))
    if naf_division is not None and jobs.sector(naf_division) is None:
        problems.append(
            (f"{where}.naf_division", f"Secteur inconnu (code NAF {naf_division}) : choisissez-le dans la liste.")
        )
    return problems


def transition_problems(
    field: str, transition: Transition, reason: TransitionReason | None, reason_required: bool
) -> Problems:
    """An imposed transition says why (where the form asks it); a chosen one has no such reason."""
    if transition is Transition.CHOSEN and reason is not None:
        return [(field, "Une transition choisie n'a pas de motif : retirez-le ou indiquez « subie ».")]
    if transition is Transition.IMPOSED and reason is None and reason_required:
        return [(field, "Dites pourquoi cette transition est subie (licenciement, santé, fin de contrat…).")]
    return []


def employer_problems(where: str, employer: str, siret: str) -> Problems:
    problems = []
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in employer):
        problems.append(
            (
                f"{where}.employer",
                "Le nom de l'employeur ne doit contenir ni retour à la ligne ni caractère de contrôle.",
            )
        )
    if len(employer) > MAX_EMPLOYER_LENGTH:
        problems.append((f"{where}.employer", f"Indiquez au plus {MAX_EMPLOYER_LENGTH} caractères."))
    if siret:
        problems += siret_problems(siret, f"{where}.employer_siret")
        if not employer.strip():
            problems.append((f"{where}.employer", "Indiquez le nom de l'employeur de ce SIRET."))
    return problems


def tidy_siret(siret: str) -> str:
    """'123 456 789 00012' -> '12345678900012': people copy a SIRET with its spaces."""
    return "".join(siret.split())


def employer_id(employer: str, siret: str) -> str | None:
    """Who employed the person, for matching, without their name: the company's SIREN when the SIRET is
    known (two establishments of one company are one employer), else a digest of the name as people write
    it (case, accents and spacing aside); None when the step names no employer."""
    if siret:
        return siret[:9]
    key = name_key(employer)
    return "nom-" + hashlib.sha256(key.encode()).hexdigest()[:16] if key else None
