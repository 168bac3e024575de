"""The request bodies the workload sends: the APIs' own examples, made unique by a marker, spread over ten
trades and seven towns of one region (chosen from the marker, so a person's later changes keep theirs), as
an agency's files are: not everyone wants the same job in the same town."""

from __future__ import annotations

import copy
import random
import uuid
import zlib
from typing import Any

from services.placements.api.conventions import EXAMPLE as CONVENTION
from services.profiles.api.beneficiaries import EXAMPLE as BENEFICIARY
from services.profiles.api.peer_models import PEER_EXAMPLE as PEER

# (ROME job, NAF division) pairs of services/reference/data/rome_naf.json
TRADES = (
    ("M1805", "62"),
    ("D1106", "47"),
    ("J1501", "86"),
    ("G1602", "56"),
    ("I1604", "45"),
    ("K2204", "81"),
    ("N4101", "49"),
    ("F1703", "43"),
    ("A1203", "81"),
    ("H2913", "25"),
)
# Nantes, Angers, Le Mans, Saint-Nazaire, La Roche-sur-Yon, Cholet, Laval (services/reference/data/fr_places.csv)
TOWNS = ("2990969", "3037656", "3003603", "2977921", "3006767", "3025053", "3005866")


def _pick(options: tuple[Any, ...], marker: str, salt: str) -> Any:
    return options[zlib.crc32(f"{salt}{marker}".encode()) % len(options)]


def luhn_siret() -> str:
    """A random SIRET whose key is right (each convention has a host of its own: the legal limits count
    conventions per host)."""
    digits = [random.randint(0, 9) for _ in range(13)]
    for check in range(10):
        candidate = [*digits, check]
        total = 0
        for position, digit in enumerate(reversed(candidate)):
            doubled = digit * 2 if position % 2 else digit
            total += doubled - 9 if doubled > 9 else doubled
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError("unreachable")


def phone() -> str:
    return "06 " + " ".join(f"{random.randint(0, 99):02d}" for _ in range(4))


def beneficiary(marker: str, mobility_km: int = 30) -> dict[str, Any]:
    body = copy.deepcopy(BENEFICIARY)
    body["identity"].update(first_name="Inès", last_name=marker, phone=phone())
    body["project"] = project(mobility_km, marker)
    return body


def refused_beneficiary(marker: str) -> dict[str, Any]:
    body = beneficiary(marker)
    body["identity"]["birth_year"] = 1850
    return body


def project(mobility_km: int, marker: str | None = None) -> dict[str, Any]:
    """The example's project, or with `marker` the trade and town that person was given."""
    changed: dict[str, Any] = copy.deepcopy(BENEFICIARY["project"])
    changed["mobility_km"] = mobility_km
    if marker is not None:
        job, sector = _pick(TRADES, marker, "job")
        changed.update(target_jobs=[job], sectors=[sector], place_id=_pick(TOWNS, marker, "town"))
    return changed


def peer(marker: str) -> dict[str, Any]:
    body = copy.deepcopy(PEER)
    body["identity"].update(last_name=marker, email=f"{marker.lower()}@pairs.example.org", phone=phone())
    job, sector = _pick(TRADES, marker, "job")
    town = _pick(TOWNS, marker, "town")
    path = body["path"]
    path[0]["place_id"] = town
    path[1]["rome_code"] = path[2]["rome_code"] = job
    path[2]["naf_division"] = sector
    body["offer"] = {"meeting_modes": ["in_person", "video"], "company_visits": False, "capacity_per_month": 12}
    return body


def convention(marker: str, beneficiary_id: str) -> dict[str, Any]:
    body = copy.deepcopy(CONVENTION)
    body["beneficiary_id"] = beneficiary_id
    body["beneficiary"].update(last_name=marker, email=f"{marker.lower()}@beneficiaires.example.fr")
    # the host's and the tutor's addresses are theirs, not the beneficiary's: nothing of the marker in them
    body["host"].update(siret=luhn_siret(), email=f"entreprise-{uuid.uuid4().hex[:10]}@example.fr")
    body["tutor"]["email"] = f"tuteur-{uuid.uuid4().hex[:10]}@example.fr"
    return body


def refused_convention(marker: str, beneficiary_id: str) -> dict[str, Any]:
    body = convention(marker, beneficiary_id)
    body["host"]["siret"] = body["host"]["siret"][:-1] + str((int(body["host"]["siret"][-1]) + 1) % 10)
    return body
