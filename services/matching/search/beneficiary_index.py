"""Every active beneficiary in memory, with the last score of their top list, so a new or changed peer
is matched in reverse against 200,000 beneficiaries by looking only at those whose target jobs relate
to the peer's path. The Rematcher confirms each answer with the pure score before changing a list."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.score import DEFAULT_WEIGHTS, JOB_LADDER, MAX_FAMILIES, Weights, families, reliability
from services.matching.search.encoding import (
    NO_STEP,
    REMOTE_MASK,
    Codes,
    Floats,
    Ints,
    LanguageBits,
    distances_km,
    mode_mask,
    month_number,
    stood_kind,
)
from services.matching.search.paths import (
    arrivals,
    ladder_keys,
    lived,
    moves,
    path_values,
    stood_bits,
    transition_code,
)
from services.matching.search.table import Postings, Table
from services.matching.search.vectors import fit_values, place_values, totals

TARGETS = 5  # a project names at most five target jobs (profiles enforces it)
PAIR = 1 << 20  # a (family, domain) pair as one integer: family * PAIR + domain
ROUNDING = 1e-4  # stored thresholds are rounded scores: answer a little below them, the pure score decides

COLUMNS = {
    "agency": (np.int32, -1),
    "region": (np.int32, -1),
    "minor": (np.bool_, False),
    "consent": (np.bool_, False),
    "latitude": (np.float64, np.nan),
    "longitude": (np.float64, np.nan),
    "radius": (np.float64, 1.0),
    "stood": (np.int64, -1),
    "modes": (np.int64, 0),
    "languages": (np.int64, 0),
    **{f"domain{i}": (np.int64, -1) for i in range(TARGETS)},
    **{f"family{i}": (np.int64, -1) for i in range(MAX_FAMILIES)},
    "transition": (np.int64, 0),
    "threshold": (np.float64, 0.0),
}


class BeneficiaryIndex:
    def __init__(self, weights: Mapping[str, Weights] | None = None) -> None:
        self.table = Table(COLUMNS)
        self.weights = dict(weights or {})
        self._keys: dict[str, list[tuple[str, str]]] = {}
        self.ladder = Postings()
        self.agencies, self.regions, self.domains, self.languages = Codes(), Codes(), Codes(), LanguageBits()

    def __len__(self) -> int:
        return len(self.table)

    def put(self, beneficiary: BeneficiaryView) -> None:
        self.remove(beneficiary.beneficiary_id)
        row = self.table.row(beneficiary.beneficiary_id)
        c = self.table.columns
        c["agency"][row] = self.agencies(beneficiary.agency_id)
        c["region"][row] = self.regions(beneficiary.region_code)
        c["minor"][row], c["consent"][row] = beneficiary.minor, beneficiary.matching_consent
        c["latitude"][row], c["longitude"][row] = beneficiary.latitude, beneficiary.longitude
        c["radius"][row] = max(beneficiary.mobility_km, 1)
        c["stood"][row] = stood_kind(beneficiary.situation)
        c["modes"][row] = mode_mask(beneficiary.meeting_modes)
        c["languages"][row] = self.languages.mask(beneficiary.languages)
        domains = list(dict.fromkeys(t[:3] for t in beneficiary.target_jobs))[:TARGETS]
        for i, domain in enumerate(domains):
            c[f"domain{i}"][row] = self.domains(domain)
        for i, family in enumerate(families(beneficiary.previous_jobs)):
            c[f"family{i}"][row] = self.domains(family)
        c["transition"][row] = transition_code(beneficiary.transition)
        self._keys[beneficiary.beneficiary_id] = ladder_keys(list(beneficiary.target_jobs))
        for key in self._keys[beneficiary.beneficiary_id]:
            self.ladder.add(key, row)

    def remove(self, beneficiary_id: str) -> None:
        row = self.table.row_of.get(beneficiary_id)
        if row is None:
            return
        for key in self._keys.pop(beneficiary_id):
            self.ladder.remove(key, row)
        self.table.release(beneficiary_id)

    def set_threshold(self, beneficiary_id: str, threshold: float) -> None:
        row = self.table.row_of.get(beneficiary_id)
        if row is not None:
            self.table.columns["threshold"][row] = threshold

    def reverse(self, peer: PeerView, today: str) -> list[tuple[str, float]]:
        """The beneficiaries whose top list the peer would now enter, with the peer's score, best margin
        over the list's last place first. Hard rules on the pair apply; the peer's load does not."""
        if peer.paused:
            return []
        c, size = self.table.columns, self.table.size
        job = np.zeros(size, dtype=np.float64)
        for rung, key in ladder_keys(lived(peer.path)):
            job[self.ladder.rows((rung, key))] = JOB_LADDER[rung]
        rows = np.flatnonzero(job)
        rows = rows[self._admitted(rows, peer)]
        if rows.size == 0:
            return []
        peer_modes = mode_mask(peer.meeting_modes)
        common_modes = c["modes"][rows] & peer_modes
        parts = (
            job[rows],
            self._paths(rows, peer, month_number(today)),
            place_values(
                np.nan if peer.latitude is None else peer.latitude,
                np.nan if peer.longitude is None else peer.longitude,
                c["latitude"][rows],
                c["longitude"][rows],
                c["radius"][rows],
                common_modes,
            ),
            fit_values(common_modes, c["languages"][rows] & self.languages.mask(peer.languages)),
            reliability(peer.reliability).value,
        )
        total = totals(self._weights(c["agency"][rows]), *parts)
        margin = total - c["threshold"][rows]
        enters = margin > -ROUNDING
        rows, total, margin = rows[enters], total[enters], margin[enters]
        order = np.argsort(-margin, kind="stable")
        return [(str(self.table.ids[rows[i]]), float(total[i])) for i in order]

    def _admitted(self, rows: Ints, peer: PeerView) -> np.ndarray:
        c = self.table.columns
        same_agency = c["agency"][rows] == self.agencies.known(peer.agency_id)
        same_region = c["region"][rows] == self.regions.known(peer.region_code)
        ok = self.table.active[rows] & c["consent"][rows]
        ok &= same_agency | (same_region if peer.visibility == "region" else False)
        if not peer.vetted:
            ok &= ~c["minor"][rows]
        common = c["modes"][rows] & mode_mask(peer.meeting_modes)
        ok &= common != 0
        if peer.latitude is not None and peer.longitude is not None:  # in person only: within the radius
            km = distances_km(peer.latitude, peer.longitude, c["latitude"][rows], c["longitude"][rows])
            ok &= ~(((common & REMOTE_MASK) == 0) & (km > c["radius"][rows]))
        return np.asarray(ok, dtype=np.bool_)

    def _weights(self, agencies: Ints) -> Floats:
        known = [DEFAULT_WEIGHTS] * len(self.agencies)
        for agency_id, weights in self.weights.items():
            code = self.agencies.known(agency_id)
            if code >= 0:
                known[code] = weights
        table = np.array([[w.job, w.path, w.place, w.fit, w.reliability] for w in known] or [[0.0] * 5])
        return np.asarray(table[agencies], dtype=np.float64)

    def _paths(self, rows: Ints, peer: PeerView, today: int) -> Floats:
        """`score.path_similarity` of one peer for many beneficiaries: their situation against the peer's
        steps, and the peer's first arrival in one of their target domains."""
        c = self.table.columns
        stood = c["stood"][rows]
        same = np.where(stood >= 0, (stood_bits(peer.path) >> np.maximum(stood, 0)) & 1, 0)
        sentinel = len(self.domains)
        by_domain = np.zeros((sentinel + 1, 4), dtype=np.int64)
        by_domain[:, 0] = NO_STEP
        for domain, a in arrivals(peer.path).items():
            code = self.domains.known(domain)
            if code >= 0:
                by_domain[code] = (a.index, int(a.career_change), int(a.imposed), a.start)
        targets = np.stack([c[f"domain{i}"][rows] for i in range(TARGETS)], axis=1)
        facts = by_domain[np.where(targets >= 0, targets, sentinel)]  # rows x TARGETS x 4
        chosen = facts[np.arange(rows.size), np.argmin(facts[:, :, 0], axis=1)]
        arrived = (chosen[:, 0] < NO_STEP).astype(np.int64)
        return path_values(
            same,
            arrived,
            chosen[:, 1],
            chosen[:, 2],
            today - chosen[:, 3],
            self._same_moves(rows, targets, peer, arrived),
            c["transition"][rows],
        )

    def _same_moves(self, rows: Ints, targets: Ints, peer: PeerView, arrived: Ints) -> Ints:
        """Per row, 1 if the peer left a job of one of the beneficiary's families for one of their target
        domains (`score.same_move`); only rows the peer's path reaches and that name a family are looked at."""
        found = np.zeros(rows.size, dtype=np.int64)
        pairs = [(self.domains.known(f), self.domains.known(d)) for f, d in moves(peer.path)]
        known = np.array([f * PAIR + d for f, d in pairs if f >= 0 and d >= 0], dtype=np.int64)
        if known.size == 0:
            return found
        some = np.flatnonzero((arrived > 0) & (self.table.columns["family0"][rows] >= 0))
        left = np.stack([self.table.columns[f"family{i}"][rows[some]] for i in range(MAX_FAMILIES)], axis=1)
        reached = targets[some]
        candidates = left[:, :, None] * PAIR + reached[:, None, :]
        valid = (left[:, :, None] >= 0) & (reached[:, None, :] >= 0)
        found[some] = (np.isin(candidates, known) & valid).any(axis=(1, 2))
        return found
