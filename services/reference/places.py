"""French populated places (GeoNames), for autocomplete and distances."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from services.reference.text import fold

DATA = Path(__file__).parent / "data" / "fr_places.csv"
EARTH_RADIUS_KM = 6371.0
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "s": "saint"}


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    latitude: float
    longitude: float
    population: int
    region_code: str
    region: str


@cache
def _places() -> tuple[dict[str, Place], list[tuple[str, Place]]]:
    by_id: dict[str, Place] = {}
    with DATA.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            place = Place(
                row["geonameid"],
                row["name"],
                float(row["latitude"]),
                float(row["longitude"]),
                int(row["population"] or 0),
                row["region_code"],
                row["region"],
            )
            by_id[place.place_id] = place
    folded = sorted(((fold(p.name), p) for p in by_id.values()), key=lambda item: -item[1].population)
    return by_id, folded


def place(place_id: str) -> Place | None:
    return _places()[0].get(str(place_id).strip())


def in_region(region_code: str) -> list[Place]:
    return [p for p in _places()[0].values() if p.region_code == region_code]


def autocomplete(query: str, region_code: str | None = None, limit: int = 10) -> list[Place]:
    """Places whose name starts with the query (accents, case and hyphens ignored), largest first."""
    wanted = " ".join(_ABBREVIATIONS.get(word, word) for word in fold(query).split())
    if not wanted:
        return []
    found = []
    for name, candidate in _places()[1]:
        if name.startswith(wanted) and (region_code is None or candidate.region_code == region_code):
            found.append(candidate)
            if len(found) == limit:
                break
    return found


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
