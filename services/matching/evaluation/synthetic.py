"""Plausible peers and beneficiaries in one region, for the benchmark and the index's tests: real ROME
codes with a few popular ones, paths that change domain now and then, real places of the region."""

from __future__ import annotations

import random
from itertools import accumulate

from services.matching.domain.model import BeneficiaryView, PeerView, Reliability, Step
from services.reference import jobs, places

REGION = "52"
SITUATIONS = ("job_seeker", "student", "apprentice", "employee", "neet")
MODES = ("in_person", "video", "phone", "company_visit")
EMPLOYERS = 3_000  # SIRENs the peers' jobs are spread over


class Synthetic:
    def __init__(self, seed: int = 1, agencies: int = 8) -> None:
        self.random = random.Random(seed)
        self.codes = sorted(jobs._catalogue().jobs)
        self.cumulative = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(self.codes))))
        self.random.shuffle(self.codes)
        self.by_domain: dict[str, list[str]] = {}
        for code in sorted(self.codes):
            self.by_domain.setdefault(code[:3], []).append(code)
        self.places = sorted(places.in_region(REGION), key=lambda p: -p.population)[:300]
        self.agencies = [f"agency-{i}" for i in range(agencies)]

    def code(self, near: str | None = None) -> str:
        if near and self.random.random() < 0.6:
            return self.random.choice(self.by_domain[near[:3]])
        return self.random.choices(self.codes, cum_weights=self.cumulative)[0]

    def _month(self, year: int) -> str:
        return f"{year}-{self.random.randint(1, 12):02d}"

    def _modes(self) -> frozenset[str]:
        return frozenset(self.random.sample(MODES, self.random.randint(1, 3)))

    def _languages(self) -> frozenset[str]:
        extra = self.random.choice(("en", "ar", "es", "pt", "", "", "", ""))
        return frozenset({"fr", extra} - {""})

    def peer(self, index: int) -> PeerView:
        r = self.random
        year = r.randint(2004, 2023)
        path: list[Step] = []
        code: str | None = None
        for _ in range(r.randint(1, 4)):
            kind = r.choice(("job", "job", "job", "training", "apprenticeship", "unemployment", "immersion"))
            step_code = None if kind == "unemployment" else self.code(code)
            code = step_code or code
            transition = r.choice(("chosen", "chosen", "imposed"))
            employer = f"{r.randint(0, EMPLOYERS):09d}" if kind in ("job", "apprenticeship") else None
            path.append(Step(kind, step_code, self._month(year), None, transition, employer))
            year = min(2026, year + r.randint(0, 4))
        where = r.choice(self.places)
        proposed = r.randint(0, 8)
        answered = r.randint(0, proposed)
        return PeerView(
            peer_id=f"peer-{index}",
            agency_id=r.choice(self.agencies),
            region_code=REGION,
            kind=r.choice(("former_beneficiary", "apprentice", "student", "professional", "mentor")),
            visibility="region" if r.random() < 0.7 else "agency",
            vetted=r.random() < 0.3,
            meeting_modes=self._modes(),
            capacity_per_month=r.randint(1, 4),
            paused=r.random() < 0.05,
            languages=self._languages(),
            latitude=where.latitude + r.uniform(-0.02, 0.02),
            longitude=where.longitude + r.uniform(-0.02, 0.02),
            path=tuple(path),
            reliability=Reliability(proposed, answered, r.randint(0, answered), 0, 0),
        )

    def beneficiary(self, index: int) -> BeneficiaryView:
        r = self.random
        first = self.code()
        targets = (first, *(self.code(first) for _ in range(r.randint(0, 2))))
        where = r.choice(self.places)
        return BeneficiaryView(
            beneficiary_id=f"beneficiary-{index}",
            agency_id=r.choice(self.agencies),
            region_code=REGION,
            minor=r.random() < 0.1,
            latitude=where.latitude,
            longitude=where.longitude,
            mobility_km=r.choice((10, 20, 30, 50, 80)),
            situation=r.choice(SITUATIONS),
            education_level="level_4",
            target_jobs=tuple(dict.fromkeys(targets)),
            sectors=(),
            meeting_modes=self._modes(),
            languages=self._languages(),
            matching_consent=r.random() < 0.95,
            previous_jobs=tuple(dict.fromkeys(self.code() for _ in range(r.randint(0, 3)))),
            transition=r.choice((None, "chosen", "imposed")),
        )
