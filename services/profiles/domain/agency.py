"""Agencies (tenants): their name's rules, their life cycle (open, then closed for good): pure rules, no I/O."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import ClassVar

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyClosedV1, AgencyKind, AgencyRegisteredV1, AgencyRenamedV1
from services.contracts.topics import topic_for
from services.kit.domain import Conflict, InvalidInput
from services.profiles.domain.access import Actor
from services.profiles.domain.events import event
from services.profiles.domain.lifecycle import Rule, rule_for
from services.reference import places

TOPIC = topic_for("profiles", "agency")
REGION_CODE = re.compile(r"^\d{2}$")
MAX_NAME_LENGTH = 200


class InvalidAgency(InvalidInput):
    """What is wrong with an agency as given, in French, with the field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__([(field, message)])
        self.field = field


class AgencyClosed(Conflict):
    """The agency was closed: nothing more happens to it (409)."""

    code = "agency_closed"


class AgencyStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # for good: its staff cannot sign in, it leaves every list


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    kind: AgencyKind
    region_code: str
    version: int = 1
    places_served: tuple[str, ...] = ()
    status: AgencyStatus = AgencyStatus.OPEN

    @property
    def open(self) -> bool:
        return self.status is AgencyStatus.OPEN

    @property
    def name_key(self) -> str | None:
        """What two names of one region may not share while their agencies are open (None once closed: the
        name is free again): case, accents and spacing do not make two names different."""
        return name_key(self.name) if self.open else None


def name_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def tidy_name(name: str) -> str:
    """The name as kept: spaces trimmed and single; refused when empty, too long, or holding a control
    character (a line break, a tab, an invisible format character), which no agency's name needs."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in name):
        raise InvalidAgency(
            "name", "Le nom de la structure ne doit contenir ni retour à la ligne ni caractère de contrôle."
        )
    tidy = " ".join(name.split())
    if not tidy:
        raise InvalidAgency("name", "Le nom de la structure est obligatoire.")
    if len(tidy) > MAX_NAME_LENGTH:
        raise InvalidAgency("name", f"Le nom de la structure ne doit pas dépasser {MAX_NAME_LENGTH} caractères.")
    return tidy


def register(
    name: str, kind: AgencyKind, region_code: str, agency_id: str | None = None, places_served: tuple[str, ...] = ()
) -> tuple[Agency, Envelope]:
    name = tidy_name(name)
    if not REGION_CODE.match(region_code):
        raise InvalidAgency(
            "region_code", "Le code de région est le code INSEE à deux chiffres (52 : Pays de la Loire)."
        )
    for place_id in places_served:
        place = places.place(place_id)
        if place is None or place.region_code != region_code:
            raise InvalidAgency(
                "places_served", f"La commune {place_id} n'est pas une commune de la région {region_code}."
            )
    agency = Agency(
        agency_id or str(uuid.uuid4()), name, kind, region_code, places_served=tuple(dict.fromkeys(places_served))
    )
    payload = AgencyRegisteredV1(
        agency_id=agency.agency_id,
        name=name,
        kind=kind,
        region_code=region_code,
        places_served=list(agency.places_served),
    )
    return agency, event("profiles.agency.registered", "agency", agency.agency_id, 1, agency.agency_id, payload)


class Action(StrEnum):
    RENAME = "rename"
    CLOSE = "close"


@dataclass(frozen=True)
class Rename:
    name: str
    action: ClassVar[Action] = Action.RENAME


@dataclass(frozen=True)
class Close:
    action: ClassVar[Action] = Action.CLOSE


Command = Rename | Close

_OPERATOR = frozenset({Actor.OPERATOR})
_ADMINISTRATORS = frozenset({Actor.OPERATOR, Actor.AGENCY_ADMIN})

TRANSITIONS: dict[tuple[AgencyStatus, Action], Rule[AgencyStatus]] = {
    (AgencyStatus.OPEN, Action.RENAME): Rule(AgencyStatus.OPEN, _ADMINISTRATORS),
    (AgencyStatus.OPEN, Action.CLOSE): Rule(AgencyStatus.CLOSED, _OPERATOR),
    (AgencyStatus.CLOSED, Action.CLOSE): Rule(AgencyStatus.CLOSED, _OPERATOR),  # again: nothing changes
}


def decide(agency: Agency, command: Command, actor: Actor, now: datetime) -> tuple[Agency, list[Envelope]]:
    """The agency after the command, with its events. Renaming to the same name and closing a closed agency
    change nothing; a closed agency is not renamed."""
    rule = rule_for(TRANSITIONS, agency.status, command.action, actor)
    if rule is None:
        raise AgencyClosed("Cette structure est fermée : elle ne peut plus être modifiée.")
    if isinstance(command, Rename):
        new_name = tidy_name(command.name)
        if new_name == agency.name:
            return agency, []
        renamed = replace(agency, name=new_name, version=agency.version + 1)
        payload = AgencyRenamedV1(agency_id=agency.agency_id, name=new_name)
        return renamed, [
            event("profiles.agency.renamed", "agency", agency.agency_id, renamed.version, agency.agency_id, payload)
        ]
    if agency.status is rule.to:
        return agency, []
    closed = replace(agency, status=AgencyStatus.CLOSED, version=agency.version + 1)
    closing = AgencyClosedV1(agency_id=agency.agency_id)
    return closed, [
        event("profiles.agency.closed", "agency", agency.agency_id, closed.version, agency.agency_id, closing)
    ]


def rename(agency: Agency, new_name: str) -> tuple[Agency, Envelope]:
    """Renaming as the operator (kept for the callers that rename outside a request)."""
    renamed, events = decide(agency, Rename(new_name), Actor.OPERATOR, datetime.now(UTC))
    if not events:
        raise InvalidAgency("name", "La structure porte déjà ce nom.")
    return renamed, events[0]
