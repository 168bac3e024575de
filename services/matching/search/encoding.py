"""Plain values encoded for numpy columns: meeting modes and languages as bit masks, months as counts,
codes as small integers, and the great-circle distance over arrays."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from services.matching.domain.score import IN_PERSON_MODES, REMOTE_MODES, SITUATION_STEPS
from services.reference.places import EARTH_RADIUS_KM

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

MODE_BITS = {"in_person": 1, "company_visit": 2, "video": 4, "phone": 8}
IN_PERSON_MASK = sum(MODE_BITS[m] for m in IN_PERSON_MODES)
REMOTE_MASK = sum(MODE_BITS[m] for m in REMOTE_MODES)
STOOD_KINDS = tuple(sorted(set(SITUATION_STEPS.values())))  # the step kinds a situation can match
NO_STEP = 1 << 30  # "no such step in the path", larger than any step index


def mode_mask(modes: Iterable[str]) -> int:
    return sum(MODE_BITS.get(m, 0) for m in set(modes))


def month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


class Codes:
    """Small integers for strings (agencies, regions, domains, languages), assigned on first sight."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        return self._codes.setdefault(value, len(self._codes))

    def __len__(self) -> int:
        return len(self._codes)

    def known(self, value: str) -> int:
        return self._codes.get(value, -1)


class LanguageBits(Codes):
    """One bit per language; past 62 languages the rarest ones share the last bit (a looser fit test)."""

    def mask(self, languages: Iterable[str]) -> int:
        bits = 0
        for language in languages:
            bits |= 1 << min(self(language), 62)
        return bits


def stood_kind(situation: str) -> int:
    """Index in STOOD_KINDS of the step kind a beneficiary's situation matches, or -1."""
    kind = SITUATION_STEPS.get(situation)
    return STOOD_KINDS.index(kind) if kind else -1


def distances_km(latitude: float, longitude: float, latitudes: Floats, longitudes: Floats) -> Floats:
    p1, p2 = np.radians(latitude), np.radians(latitudes)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(longitudes - longitude) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)), dtype=np.float64)
