"""Agencies (tenants): pure rules, no I/O."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyKind, AgencyRegisteredV1, AgencyRenamedV1
from services.contracts.topics import topic_for
from services.kit.domain import InvalidInput
from services.profiles.domain.events import event
from services.reference import places

TOPIC = topic_for("profiles", "agency")
REGION_CODE = re.compile(r"^\d{2}$")


class InvalidAgency(InvalidInput):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([(field, message)])
        self.field = field


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    kind: AgencyKind
    region_code: str
    version: int = 1
    places_served: tuple[str, ...] = ()


def register(
    name: str, kind: AgencyKind, region_code: str, agency_id: str | None = None, places_served: tuple[str, ...] = ()
) -> tuple[Agency, Envelope]:
    name = " ".join(name.split())
    if not name:
        raise InvalidAgency("name", "Indiquez le nom de l'agence.")
    if not REGION_CODE.match(region_code):
        raise InvalidAgency("region_code", "Indiquez le code INSEE de la région, en deux chiffres (par exemple 52).")
    for place_id in places_served:
        place = places.place(place_id)
        if place is None or place.region_code != region_code:
            raise InvalidAgency("places_served", f"Commune hors de la région {region_code}, ou inconnue : {place_id}.")
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


def rename(agency: Agency, new_name: str) -> tuple[Agency, Envelope]:
    new_name = " ".join(new_name.split())
    if not new_name:
        raise InvalidAgency("name", "Indiquez le nom de l'agence.")
    renamed = replace(agency, name=new_name, version=agency.version + 1)
    payload = AgencyRenamedV1(agency_id=agency.agency_id, name=new_name)
    return renamed, event(
        "profiles.agency.renamed", "agency", agency.agency_id, renamed.version, agency.agency_id, payload
    )
