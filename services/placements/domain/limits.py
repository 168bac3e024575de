"""The legal limits of a PMSMP (Code du travail D5135-3) and the checks of a convention's content: pure
functions of plain values, each problem tied to its field."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.contracts.events.placements import Objective
from services.reference.siret import siret_problems as check_siret

MAX_DAYS_WITH_ONE_HOST = 60
MAX_CONVENTIONS_WITH_ONE_HOST = 2
WINDOW_MONTHS = 12
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
    return check_siret(siret, field)


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


def host_use(new: Stay, others: Sequence[Stay]) -> tuple[int, int]:
    """With the host of `others` (the beneficiary's other stays there), over the worst 12 consecutive months
    that hold `new`: how many conventions (renewals aside) and how many days, `new` included."""
    everyone = [*(o for o in others if o.convention_id != new.convention_id), new]
    worst_count, worst_days = 0, 0
    for first, last in _windows(everyone):
        if not _overlap(new, first, last):
            continue
        inside = [s for s in everyone if _overlap(s, first, last)]
        worst_count = max(worst_count, sum(1 for s in inside if s.renewal_of is None))
        worst_days = max(worst_days, sum(_overlap(s, first, last) for s in inside))
    return worst_count, worst_days


def same_host_problems(new: Stay, others: Sequence[Stay]) -> Problems:
    """With one host over any 12 consecutive months: two conventions at most, with different objectives,
    60 days at most, renewals included (a renewal is not a convention of its own)."""
    others = [o for o in others if o.convention_id != new.convention_id]
    problems: Problems = []
    worst_count, worst_days = host_use(new, others)
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


@dataclass(frozen=True)
class LegalChecks:
    """What a validator checks before validating, in numbers and in words (French), with whether each holds."""

    days_with_host: int  # over the worst 12 months holding this convention, this one included
    conventions_with_host: int  # the same months, renewals aside
    days_ok: bool
    conventions_ok: bool
    renewal: str  # the renewal rule as it applies to this convention
    hours_per_week: float
    longest_day: float
    max_hours_per_week: float
    max_hours_per_day: float
    hours_ok: bool
    duration_days: int
    duration_ok: bool

    @property
    def all_ok(self) -> bool:
        return self.days_ok and self.conventions_ok and self.hours_ok and self.duration_ok


def legal_checks(new: Stay, others: Sequence[Stay], hours: dict[str, float], minor: bool, renewals: int) -> LegalChecks:
    """The convention's legal limits, summed up for the person who validates it (D5135-3: one month at most,
    60 days and two conventions with one host over 12 months, one renewal when the objectives were not met;
    the working hours of an adult or a minor)."""
    conventions, days = host_use(new, others)
    if new.renewal_of is not None:
        renewal = "C'est un renouvellement : cette convention ne pourra pas être renouvelée à nouveau."
    elif renewals:
        renewal = "Cette convention a déjà été renouvelée une fois : plus de renouvellement possible."
    else:
        renewal = "Renouvelable une seule fois, si le bilan dit que les objectifs n'ont pas été atteints."
    per_week, per_day = MAX_HOURS_PER_WEEK[minor], MAX_HOURS_PER_DAY[minor]
    total, longest = sum(hours.values()), max(hours.values(), default=0.0)
    return LegalChecks(
        days_with_host=days,
        conventions_with_host=conventions,
        days_ok=days <= MAX_DAYS_WITH_ONE_HOST,
        conventions_ok=new.renewal_of is not None or conventions <= MAX_CONVENTIONS_WITH_ONE_HOST,
        renewal=renewal,
        hours_per_week=total,
        longest_day=longest,
        max_hours_per_week=per_week,
        max_hours_per_day=per_day,
        hours_ok=0 < total <= per_week and longest <= per_day,
        duration_days=days_of(new.start, new.end),
        duration_ok=new.start <= new.end <= latest_end(new.start),
    )
