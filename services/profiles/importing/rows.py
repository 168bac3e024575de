"""The spreadsheet format counsellors keep for peers, one row per peer, and its translation into a Peer.
Columns (header names, in any order; empty cells allowed where marked optional):

    first_name, last_name, email, phone (optional), kind, visibility (agence | region),
    consent_region (oui | non), place (a place id or name, optional), meeting_modes (e.g. "in_person;video"),
    company_visits (oui | non), capacity_per_month, languages (e.g. "fr;en"), testimony (optional),
    video_url (optional), vetted (oui | non),
    step1_kind, step1_rome, step1_naf, step1_start, step1_end, step1_transition, step1_place, step1_text,
    step1_employer (optional), step1_siret (optional, its key checked),
    ... up to step8_* (a step with no kind is skipped)

kind: former_beneficiary | apprentice | student | professional | mentor (French labels accepted too);
step kinds: training | job | apprenticeship | immersion | unemployment | other (or formation, emploi,
apprentissage, immersion, chomage, autre); transition: chosen | imposed (choisie | subie);
months: YYYY-MM (MM/YYYY accepted)."""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from services.contracts.events.profiles import MeetingMode, PeerKind, StepKind, Transition, Visibility
from services.profiles.domain import peer as rules
from services.profiles.domain.events import InvalidInput
from services.reference import places
from services.reference.text import fold

MAX_STEPS = 8
STEP_COLUMNS = ("kind", "rome", "naf", "start", "end", "transition", "place", "text", "employer", "siret")
COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "kind",
    "visibility",
    "consent_region",
    "place",
    "meeting_modes",
    "company_visits",
    "capacity_per_month",
    "languages",
    "testimony",
    "video_url",
    "vetted",
    *(f"step{n}_{c}" for n in range(1, MAX_STEPS + 1) for c in STEP_COLUMNS),
)
REQUIRED = ("first_name", "last_name", "email", "kind", "meeting_modes", "step1_kind")
YES = {"oui", "o", "yes", "y", "true", "1", "x"}
NO = {"non", "n", "no", "false", "0", ""}
KIND_WORDS = {
    "ancien beneficiaire": PeerKind.FORMER_BENEFICIARY,
    "apprenti": PeerKind.APPRENTICE,
    "apprentie": PeerKind.APPRENTICE,
    "etudiant": PeerKind.STUDENT,
    "etudiante": PeerKind.STUDENT,
    "professionnel": PeerKind.PROFESSIONAL,
    "professionnelle": PeerKind.PROFESSIONAL,
    "parrain": PeerKind.MENTOR,
    "marraine": PeerKind.MENTOR,
}
STEP_WORDS = {
    "formation": StepKind.TRAINING,
    "emploi": StepKind.JOB,
    "apprentissage": StepKind.APPRENTICESHIP,
    "chomage": StepKind.UNEMPLOYMENT,
    "autre": StepKind.OTHER,
}
TRANSITION_WORDS = {
    "choisie": Transition.CHOSEN,
    "choisi": Transition.CHOSEN,
    "subie": Transition.IMPOSED,
    "subi": Transition.IMPOSED,
}
MODE_WORDS = {
    "presentiel": MeetingMode.IN_PERSON,
    "visio": MeetingMode.VIDEO,
    "telephone": MeetingMode.PHONE,
    "visite": MeetingMode.COMPANY_VISIT,
}
FRENCH_MONTH = re.compile(r"^(0[1-9]|1[0-2])/(\d{4})$")


class RowProblems(InvalidInput):
    pass


def _cell(row: Mapping[str, str | None], name: str) -> str:
    return (row.get(name) or "").strip()


E = TypeVar("E", bound=StrEnum)


# the words a counsellor may write in each column with a choice, as the problem names them
CHOICES_SAID: dict[type[StrEnum], str] = {
    PeerKind: "ancien bénéficiaire, apprenti, étudiant, professionnel ou parrain",
    StepKind: "formation, emploi, apprentissage, immersion, chômage ou autre",
    Transition: "choisie ou subie",
    MeetingMode: "présentiel, visio, téléphone ou visite",
}


def _choice(
    value: str, enum: type[E], words: Mapping[str, E], column: str, problems: list[tuple[str, str]]
) -> E | None:
    folded = fold(value).replace(" ", "_")
    for candidate in (folded, folded.replace("_", " ")):
        if candidate in enum._value2member_map_:
            return enum(candidate)
        if candidate in words:
            return words[candidate]
    problems.append((column, f"« {value} » n'est pas reconnu : écrivez {CHOICES_SAID[enum]}."))
    return None


def _flag(value: str, column: str, problems: list[tuple[str, str]]) -> bool:
    folded = fold(value)
    if folded in YES:
        return True
    if folded not in NO:
        problems.append((column, f"« {value} » n'est pas reconnu : écrivez oui ou non."))
    return False


def _month(value: str) -> str:
    french = FRENCH_MONTH.match(value)
    return f"{french.group(2)}-{french.group(1)}" if french else value


def _place(value: str, region_code: str, column: str, problems: list[tuple[str, str]]) -> str | None:
    if not value:
        return None
    if places.place(value):
        return value
    found = places.autocomplete(value, region_code, 1) or places.autocomplete(value, None, 1)
    if not found or fold(found[0].name) != fold(value):
        problems.append((column, f"Commune inconnue : « {value} »."))
        return None
    return found[0].place_id


def import_key(agency_id: str, email: str) -> str:
    """The same row imported twice is the same peer: the key comes from the agency and the e-mail (the peer's
    id is time-ordered, like every peer's; a unique index on this key refuses the second one)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"parcours:peer:{agency_id}:{email.strip().lower()}"))


def to_peer(row: Mapping[str, str | None], agency_id: str, region_code: str) -> rules.Peer:
    """A Peer ready for `rules.publish` (which gives it its id), or RowProblems naming every bad cell."""
    problems: list[tuple[str, str]] = [(c, "Cette colonne est obligatoire.") for c in REQUIRED if not _cell(row, c)]
    kind = _choice(_cell(row, "kind"), PeerKind, KIND_WORDS, "kind", problems) if _cell(row, "kind") else None
    visibility_cell = fold(_cell(row, "visibility")) or "agence"
    visibility = Visibility.REGION if visibility_cell == "region" else Visibility.AGENCY
    if visibility_cell not in ("region", "agence", "agency"):
        problems.append(("visibility", "Écrivez agence ou région."))
    consent = _flag(_cell(row, "consent_region"), "consent_region", problems)
    if visibility == Visibility.REGION and not consent:
        problems.append(("consent_region", "Une visibilité régionale demande l'accord du pair : écrivez oui."))
    modes = []
    for word in filter(None, (w.strip() for w in _cell(row, "meeting_modes").replace(",", ";").split(";"))):
        mode = _choice(word, MeetingMode, MODE_WORDS, "meeting_modes", problems)
        if mode is not None:
            modes.append(mode)
    capacity_cell = _cell(row, "capacity_per_month") or "2"
    capacity = int(capacity_cell) if re.fullmatch(r"-?\d+", capacity_cell) else 0
    if not re.fullmatch(r"-?\d+", capacity_cell):
        problems.append(("capacity_per_month", f"« {capacity_cell} » n'est pas un nombre entier."))
    languages = tuple(
        w.strip().lower() for w in (_cell(row, "languages") or "fr").replace(",", ";").split(";") if w.strip()
    )
    steps = []
    for n in range(1, MAX_STEPS + 1):
        prefix = f"step{n}_"
        if not _cell(row, prefix + "kind"):
            continue
        step_kind = _choice(_cell(row, prefix + "kind"), StepKind, STEP_WORDS, prefix + "kind", problems)
        transition = _choice(
            _cell(row, prefix + "transition") or "chosen", Transition, TRANSITION_WORDS, prefix + "transition", problems
        )
        if step_kind is None or transition is None:
            continue
        steps.append(
            rules.Step(
                step_kind,
                _month(_cell(row, prefix + "start")),
                transition,
                _month(_cell(row, prefix + "end")) or None,
                _cell(row, prefix + "rome").upper() or None,
                _cell(row, prefix + "naf") or None,
                _place(_cell(row, prefix + "place"), region_code, prefix + "place", problems),
                _cell(row, prefix + "text"),
                employer=_cell(row, prefix + "employer"),
                employer_siret=_cell(row, prefix + "siret"),
            )
        )
    if problems or kind is None:
        raise RowProblems(problems)
    email = _cell(row, "email").lower()
    peer = rules.Peer(
        "",
        agency_id,
        region_code,
        kind,
        rules.PeerIdentity(
            _cell(row, "first_name"),
            _cell(row, "last_name"),
            email,
            _cell(row, "phone"),
            _place(_cell(row, "place"), region_code, "place", problems),
        ),
        visibility,
        rules.Offer(tuple(modes), _flag(_cell(row, "company_visits"), "company_visits", problems), capacity, languages),
        tuple(steps),
        _cell(row, "testimony"),
        _cell(row, "video_url"),
        _flag(_cell(row, "vetted"), "vetted", problems),
    )
    if problems:
        raise RowProblems(problems)
    return peer


def write_csv(rows: list[dict[str, str]], path: Path) -> Path:
    """Rows in the import format, as a spreadsheet would save them."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
