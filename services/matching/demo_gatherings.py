"""Demo gatherings that `make run` adds once, through the public API, for the Nantes counsellor: a
region-wide forum on the jobs their beneficiaries aim at most (two invited, one registered) and an open day
for the agency, so that a newcomer finds them under *Forums et journées* and on the beneficiaries' pages."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

PARIS = ZoneInfo("Europe/Paris")
NANTES, SAINT_NAZAIRE = "2990969", "2977921"


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = (datetime.now(PARIS) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _gatherings(jobs: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "kind": "forum",
            "title": "Forum des métiers qui recrutent",
            "description": "Des entreprises, des apprentis et d'anciens bénéficiaires racontent leur métier.",
            "starts_at": _at(10, 9).isoformat(),
            "ends_at": _at(10, 12, 30).isoformat(),
            "place_id": NANTES,
            "address": "Cité des congrès, 5 rue de Valmy",
            "jobs": jobs[:3],
            "capacity": 40,
            "visibility": "region",
        },
        {
            "kind": "open_day",
            "title": "Journée portes ouvertes à l'atelier",
            "description": "Visite des ateliers et rencontre avec les tuteurs.",
            "starts_at": _at(5, 14).isoformat(),
            "ends_at": _at(5, 17).isoformat(),
            "place_id": SAINT_NAZAIRE,
            "address": "Zone des Noës, 3 allée des Forges",
            "jobs": jobs[:1],
            "capacity": 8,
            "visibility": "agency",
        },
    ]


def add(matching: httpx.Client, beneficiaries: list[dict[str, Any]]) -> str:
    """Adds the demo gatherings unless the counsellor's agency has some; says what it did."""
    if matching.get("/gatherings").raise_for_status().json():
        return "demo gatherings: already there"
    counted = Counter(job for b in beneficiaries for job in b.get("project", {}).get("target_jobs", []))
    jobs = [job for job, _ in counted.most_common(3)] or ["M1805"]
    made = [matching.post("/gatherings", json=body).raise_for_status().json() for body in _gatherings(jobs)]
    forum = made[0]["gathering_id"]
    candidates = matching.get(f"/gatherings/{forum}/candidates").raise_for_status().json()
    for candidate in candidates[:2]:
        matching.post(f"/gatherings/{forum}/invitations", json={"beneficiary_id": candidate["beneficiary_id"]})
    if candidates:
        matching.post(f"/gatherings/{forum}/registrations", json={"beneficiary_id": candidates[0]["beneficiary_id"]})
    return f"demo gatherings: a forum and an open day added ({min(2, len(candidates))} invited to the forum)"
