"""The legal limits of a PMSMP (Code du travail D5135-3) and the checks of a convention's content: pure
functions of plain values, each problem tied to its field."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.contracts.events.placements import Objective

MAX_DAYS_WITH_ONE_HOST = 60
MAX_CONVENTIONS_WITH_ONE_HOST = 2
WINDOW_MONTHS = 12
LA_POSTE_SIREN = "356000000"  # its establishments' SIRET follow another key (sum of digits divisible by 5)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_HOURS_PER_DAY = {False: 10.0, True: 8.0}  # adult, minor
MAX_HOURS_PER_WEEK = {False: 48.0, True: 35.0}

Problems = list[tuple[str, str]]

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(day: date) -> str:
    """`1er mars 2026`, `15 avril 2026`."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def siret_problems(siret: str, field: str = "host.siret") -> Problems:
    if len(siret) != 14 or not siret.isdigit():
        return [(field, "Un SIRET a 14 chiffres.")]
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(d) for d in siret) % 5 == 0
    else:
        total = 0
        for position, digit in enumerate(int(d) for d in siret):
            doubled = digit * 2 if position % 2 == 0 else digit
            total += doubled - 9 if doubled > 9 else doubled
        valid = total % 10 == 0
    return [] if valid else [(field, "La clé du SIRET est fausse : vérifiez les 14 chiffres.")]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_end(start: date) -> date:
    """At most one month, date to date: 15 March to 14 April; 31 January to 28 February."""
    same_day = add_months(start, 1)
    return same_day if same_day.day != start.day else same_day - timedelta(days=1)


def days_of(start: date, end: date) -> int:
    return (end - start).days + 1


def period_problems(start: date, end: date, today: date) -> Problems:
    problems: Problems = []
    if start < today:
        problems.append(
            ("start_date", f"L'immersion ne peut pas commencer dans le passé (nous sommes le {french_date(today)}).")
        )
    if end < start:
        problems.append(("end_date", "La date de fin précède la date de début."))
    elif end > latest_end(start):
        problems.append(
            (
                "end_date",
                f"Une PMSMP dure un mois au plus, de date à date : commencée le {french_date(start)}, "
                f"elle finit au plus tard le {french_date(latest_end(start))}.",
            )
        )
    return problems


def schedule_problems(hours: dict[str, float], minor: bool) -> Problems:
    problems: Problems = [
        ("schedule", f"Jour inconnu « {d} » : utilisez {', '.join(WEEKDAYS)}.") for d in hours if d not in WEEKDAYS
    ]
    per_day, per_week = MAX_HOURS_PER_DAY[minor], MAX_HOURS_PER_WEEK[minor]
    who = " pour un mineur" if minor else ""
    problems += [
        (f"schedule.{d}", f"{per_day:g} heures par jour au plus{who}.") for d, h in hours.items() if h > per_day
    ]
    problems += [(f"schedule.{d}", "Les heures ne peuvent pas être négatives.") for d, h in hours.items() if h < 0]
    total = sum(hours.values())
    if total <= 0:
        problems.append(("schedule", "Indiquez les heures d'au moins un jour."))
    elif total > per_week:
        problems.append(
            (
                "schedule",
                f"{per_week:g} heures par semaine au plus{' pour un mineur' if minor else ''} ({total:g} prévues).",
            )
        )
    return problems


@dataclass(frozen=True)
class Stay:
    """One convention of a beneficiary with one host, as the limits see it."""

    convention_id: str
    start: date
    end: date
    objective: Objective
    renewal_of: str | None = None


def _windows(stays: Sequence[Stay]) -> list[tuple[date, date]]:
    """The 12-month windows worth checking: those starting at a stay's start or ending at a stay's end."""
    windows = []
    for stay in stays:
        windows.append((stay.start, add_months(stay.start, WINDOW_MONTHS) - timedelta(days=1)))
        windows.append((add_months(stay.end, -WINDOW_MONTHS) + timedelta(days=1), stay.end))
    return windows


def _overlap(stay: Stay, first: date, last: date) -> int:
    return max(0, (min(stay.end, last) - max(stay.start, first)).days + 1)


def same_host_problems(new: Stay, others: Sequence[Stay]) -> Problems:
    """With one host over any 12 consecutive months: two conventions at most, with different objectives,
    60 days at most, renewals included (a renewal is not a convention of its own)."""
    others = [o for o in others if o.convention_id != new.convention_id]
    everyone = [*others, new]
    problems: Problems = []
    worst_count, worst_days = 0, 0
    for first, last in _windows(everyone):
        if not _overlap(new, first, last):
            continue
        inside = [s for s in everyone if _overlap(s, first, last)]
        worst_count = max(worst_count, sum(1 for s in inside if s.renewal_of is None))
        worst_days = max(worst_days, sum(_overlap(s, first, last) for s in inside))
    if new.renewal_of is None and worst_count > MAX_CONVENTIONS_WITH_ONE_HOST:
        problems.append(
            (
                "host.siret",
                f"{MAX_CONVENTIONS_WITH_ONE_HOST} conventions au plus avec une même entreprise d'accueil sur 12 mois.",
            )
        )
    if new.renewal_of is None:
        near = [
            o
            for o in others
            if o.renewal_of is None
            and o.objective == new.objective
            and _overlap(
                o, add_months(new.start, -WINDOW_MONTHS) + timedelta(days=1), add_months(new.end, WINDOW_MONTHS)
            )
        ]
        if near:
            problems.append(
                (
                    "objective",
                    "Une deuxième convention avec cette entreprise d'accueil sur 12 mois demande un autre objectif.",
                )
            )
    if worst_days > MAX_DAYS_WITH_ONE_HOST:
        problems.append(
            (
                "end_date",
                f"{MAX_DAYS_WITH_ONE_HOST} jours au plus avec une même entreprise d'accueil sur 12 mois "
                f"({worst_days} prévus).",
            )
        )
    return problems


def renewal_problems(original: Stay, objectives_met: bool | None, renewals: int) -> Problems:
    """Once only, of a convention that is not itself a renewal, when the assessment says the objectives
    were not met (the renewal keeps the objective)."""
    if original.renewal_of is not None:
        return [("renewal_of", "Cette convention est déjà un renouvellement : une PMSMP ne se renouvelle qu'une fois.")]
    if renewals:
        return [("renewal_of", "Cette convention a déjà été renouvelée : une PMSMP ne se renouvelle qu'une fois.")]
    if objectives_met is None:
        return [("renewal_of", "Renouvelez après le bilan.")]
    if objectives_met:
        return [
            ("renewal_of", "Le bilan dit les objectifs atteints : un renouvellement sert aux objectifs non atteints.")
        ]
    return []
