"""The region's funnel, as plain values: which stage an event counts for, in which sector and month, and
the table the dashboard and its CSV show. Counts only: nothing here names or contacts a person."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
UNKNOWN_SECTOR = "?"
UNKNOWN_TRANSITION = "?"


class Stage(StrEnum):
    SUGGESTIONS = "suggestions"
    INTRODUCTIONS = "introductions"
    ACCEPTED = "accepted"
    MEETINGS = "meetings"
    GATHERINGS = "gatherings"  # beneficiaries present at a forum, fair, open day or information session
    CONVENTIONS = "conventions"
    CONFIRMED = "confirmed"
    ADJUSTED = "adjusted"
    DROPPED = "dropped"
    HIRED = "hired"


STAGE_LABELS: dict[Stage, str] = {
    Stage.SUGGESTIONS: "Pairs suggérés",
    Stage.INTRODUCTIONS: "Mises en relation proposées",
    Stage.ACCEPTED: "Mises en relation acceptées",
    Stage.MEETINGS: "Rencontres",
    Stage.GATHERINGS: "Participations à un forum ou une journée",
    Stage.CONVENTIONS: "Conventions PMSMP validées",
    Stage.CONFIRMED: "Projets confirmés",
    Stage.ADJUSTED: "Projets ajustés",
    Stage.DROPPED: "Projets abandonnés",
    Stage.HIRED: "Embauches",
}

# ROME's fourteen professional families (the letter that starts a ROME code)
SECTOR_LABELS: dict[str, str] = {
    "A": "Agriculture, pêche, espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
    UNKNOWN_SECTOR: "Non renseigné",
}

# the beneficiary's current move, as profiles says it (chosen or imposed): a region sees whether imposed
# transitions get fewer or less useful meetings
TRANSITION_LABELS: dict[str, str] = {
    "chosen": "Mobilité choisie",
    "imposed": "Mobilité subie",
    UNKNOWN_TRANSITION: "Non renseignée",
}

CONCLUSION_STAGES = {"confirmed": Stage.CONFIRMED, "adjusted": Stage.ADJUSTED, "dropped": Stage.DROPPED}


def sector_of(rome_code: str | None) -> str:
    letter = (rome_code or "")[:1].upper()
    return letter if letter in SECTOR_LABELS else UNKNOWN_SECTOR


def transition_of(kind: str | None) -> str:
    return kind if kind in TRANSITION_LABELS else UNKNOWN_TRANSITION


def month_of(moment: datetime) -> str:
    """The month an event counts in, as people in the region live it (Paris time): `2026-11`."""
    return moment.astimezone(PARIS).strftime("%Y-%m")


def assessment_stages(project_conclusion: str, hired: bool) -> list[Stage]:
    stages = [CONCLUSION_STAGES[project_conclusion]] if project_conclusion in CONCLUSION_STAGES else []
    return [*stages, Stage.HIRED] if hired else stages


@dataclass(frozen=True)
class Fact:
    """One counted step: `key` makes counting it twice impossible (the event id and the stage)."""

    key: str
    agency_id: str
    sector: str
    month: str
    stage: Stage
    transition: str = UNKNOWN_TRANSITION  # the beneficiary's, when the step happened


@dataclass
class Row:
    agency_id: str
    sector: str
    month: str
    transition: str = "*"
    counts: dict[Stage, int] = field(default_factory=lambda: dict.fromkeys(Stage, 0))


@dataclass(frozen=True)
class Grouping:
    by_agency: bool = True
    by_sector: bool = True
    by_month: bool = True
    by_transition: bool = False


MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class BadQuery(ValueError):
    """A reading of the funnel asked in words the dashboard does not know, and the query field that has them."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def checked_month(name: str, value: str | None) -> str | None:
    """`value` if it is a month written `YYYY-MM`; refused on the query field `name` otherwise."""
    if value is not None and not MONTH.match(value):
        raise BadQuery(name, f"Un mois s'écrit AAAA-MM (par exemple 2026-03), pas « {value} ».")
    return value


def months_between(since: str | None, until: str | None) -> tuple[str, str] | None:
    """The months a reading covers (inclusive, `YYYY-MM`; open at either end); None for every month."""
    checked_month("from", since)
    checked_month("to", until)
    if since is None and until is None:
        return None
    return since or "0000-01", until or "9999-12"


def grouping_of(by: str) -> Grouping:
    """The grouping a comma-separated `agency,sector,month,transition` asks for."""
    asked = set(by.split(","))
    unknown = asked - {"agency", "sector", "month", "transition", ""}
    if unknown:
        raise BadQuery(
            "by", f"On regroupe par agency, sector, month ou transition, pas par « {', '.join(sorted(unknown))} »."
        )
    return Grouping("agency" in asked, "sector" in asked, "month" in asked, "transition" in asked)


def table(counted: Iterable[Mapping[str, object]], grouping: Grouping = Grouping()) -> list[Row]:
    """Rows of counts from `{agency_id, sector, month, stage, count, transition?}` groups, summed over what
    the grouping leaves out ("*" in that column), sorted by month, agency, sector and transition."""
    rows: dict[tuple[str, str, str, str], Row] = {}
    for group in counted:
        agency = str(group["agency_id"]) if grouping.by_agency else "*"
        sector = str(group["sector"]) if grouping.by_sector else "*"
        month = str(group["month"]) if grouping.by_month else "*"
        kind = transition_of(str(group.get("transition"))) if grouping.by_transition else "*"
        row = rows.setdefault((month, agency, sector, kind), Row(agency, sector, month, kind))
        stage = Stage(str(group["stage"]))
        count = group["count"]
        row.counts[stage] += count if isinstance(count, int) else 0
    return [rows[key] for key in sorted(rows)]


def totals(rows: Iterable[Row]) -> dict[Stage, int]:
    summed = dict.fromkeys(Stage, 0)
    for row in rows:
        for stage, count in row.counts.items():
            summed[stage] += count
    return summed
