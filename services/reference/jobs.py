"""ROME job sheets and NAF divisions, from France Travail's open data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from services.reference.text import fold

DATA = Path(__file__).parent / "data" / "rome_naf.json"
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
NAF_DIVISION = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class Job:
    code: str
    label: str

    @property
    def domain(self) -> str:
        """Professional domain, e.g. M18."""
        return self.code[:3]

    @property
    def grand_domain(self) -> str:
        return self.code[0]


@dataclass(frozen=True)
class Sector:
    code: str
    label: str
    jobs: tuple[str, ...]


@dataclass(frozen=True)
class _Catalogue:
    jobs: dict[str, Job]
    folded_labels: dict[str, str]
    sectors: dict[str, Sector]
    sectors_of_job: dict[str, tuple[str, ...]]


@cache
def _catalogue() -> _Catalogue:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    jobs = {code: Job(code, label) for code, label in raw["rome"].items()}
    sectors = {code: Sector(code, entry["label"], tuple(entry["rome"])) for code, entry in raw["naf_divisions"].items()}
    sectors_of_job: dict[str, list[str]] = {}
    for sector in sectors.values():
        for job in sector.jobs:
            sectors_of_job.setdefault(job, []).append(sector.code)
    return _Catalogue(
        jobs,
        {code: fold(job.label) for code, job in jobs.items()},
        sectors,
        {job: tuple(codes) for job, codes in sectors_of_job.items()},
    )


def job(code: str) -> Job | None:
    return _catalogue().jobs.get(code.strip().upper())


def sector(code: str) -> Sector | None:
    return _catalogue().sectors.get(code.strip())


def all_sectors() -> list[Sector]:
    return sorted(_catalogue().sectors.values(), key=lambda s: s.code)


def sectors_of(job_code: str) -> tuple[str, ...]:
    """The NAF divisions France Travail links to a job sheet."""
    return _catalogue().sectors_of_job.get(job_code, ())


def search_jobs(query: str, limit: int = 20) -> list[Job]:
    """By code ('M1805', 'M18') or by words of the label, accents and case ignored ('developpeur web')."""
    catalogue = _catalogue()
    text = query.strip()
    if not text:
        return []
    upper = text.upper()
    if re.fullmatch(r"[A-N]\d{0,4}", upper):
        return [j for code, j in sorted(catalogue.jobs.items()) if code.startswith(upper)][:limit]
    words = fold(text).split()
    if not words:  # punctuation only ('-', '?'): nothing to look for
        return []
    scored: list[tuple[int, str]] = []
    for code, label in catalogue.folded_labels.items():
        label_words = label.split()
        if all(any(w.startswith(q) for w in label_words) for q in words):
            exact_start = 0 if label.startswith(words[0]) else 1
            scored.append((exact_start, code))
    scored.sort(key=lambda item: (item[0], len(catalogue.folded_labels[item[1]]), item[1]))
    return [catalogue.jobs[code] for _, code in scored[:limit]]
