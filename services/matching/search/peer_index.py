"""Every active peer in memory, as numpy columns and postings by job, so a beneficiary's ten suggestions
among 100,000 peers look only at the peers whose lived path relates to the target jobs.

`pool()` scores those candidates with the full score over arrays and returns the best few as views;
`ranking.rank` then scores them again one by one for the reasons and the re-rank, so the pure score
stays the only judge (a unit test holds the index to `rank` over all peers)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from services.matching.domain.fairness import DEFAULT_FAIRNESS
from services.matching.domain.model import BeneficiaryView, PeerLoad, PeerView
from services.matching.domain.ranking import POOL_PER_PLACE, RankingContext
from services.matching.domain.score import JOB_LADDER, PATH_POINTS, families, reliability
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

COLUMNS = {
    "agency": (np.int32, -1),
    "region": (np.int32, -1),
    "region_visible": (np.bool_, False),
    "vetted": (np.bool_, False),
    "paused": (np.bool_, False),
    "modes": (np.int64, 0),
    "languages": (np.int64, 0),
    "latitude": (np.float64, np.nan),
    "longitude": (np.float64, np.nan),
    "stood": (np.int64, 0),
    "capacity": (np.int32, 0),
    "booked": (np.int32, 0),
    "listed_in": (np.int32, 0),
    "reliability": (np.float64, 0.0),
}


class PeerIndex:
    def __init__(self, fairness: float = DEFAULT_FAIRNESS) -> None:
        self.fairness = fairness
        self.table = Table(COLUMNS)
        self.views: dict[str, PeerView] = {}
        self.loads: dict[str, PeerLoad] = {}
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        self.ladder = Postings()
        self.arrivals = Postings(width=4)
        self.moves = Postings()  # (a job family left, a domain reached after it)
        self.agencies, self.regions, self.languages = Codes(), Codes(), LanguageBits()

    def __len__(self) -> int:
        return len(self.table)

    def put(self, peer: PeerView) -> None:
        """Add or replace a peer (a card, a pause, a reliability change)."""
        self.remove(peer.peer_id)
        row = self.table.row(peer.peer_id)
        c = self.table.columns
        c["agency"][row] = self.agencies(peer.agency_id)
        c["region"][row] = self.regions(peer.region_code)
        c["region_visible"][row] = peer.visibility == "region"
        c["vetted"][row], c["paused"][row] = peer.vetted, peer.paused
        c["modes"][row] = mode_mask(peer.meeting_modes)
        c["languages"][row] = self.languages.mask(peer.languages)
        c["latitude"][row] = np.nan if peer.latitude is None else peer.latitude
        c["longitude"][row] = np.nan if peer.longitude is None else peer.longitude
        c["stood"][row] = stood_bits(peer.path)
        c["capacity"][row] = peer.capacity_per_month
        c["reliability"][row] = reliability(peer.reliability).value
        self.views[peer.peer_id] = replace(
            peer, meeting_modes=self._shared(peer.meeting_modes), languages=self._shared(peer.languages)
        )
        for key in ladder_keys(lived(peer.path)):
            self.ladder.add(key, row)
        for domain, a in arrivals(peer.path).items():
            self.arrivals.add(domain, row, (a.index, int(a.career_change), int(a.imposed), a.start))
        for move in moves(peer.path):
            self.moves.add(move, row)
        self.set_load(peer.peer_id, self.loads.get(peer.peer_id, PeerLoad()))

    def remove(self, peer_id: str) -> None:
        row = self.table.row_of.get(peer_id)
        if row is None:
            return
        path = self.views.pop(peer_id).path
        for key in ladder_keys(lived(path)):
            self.ladder.remove(key, row)
        for domain in arrivals(path):
            self.arrivals.remove(domain, row)
        for move in moves(path):
            self.moves.remove(move, row)
        self.table.release(peer_id)

    def _shared(self, values: frozenset[str]) -> frozenset[str]:
        """One copy of each set of modes or languages for all the peers who have it."""
        return self._sets.setdefault(values, values)

    def set_load(self, peer_id: str, load: PeerLoad) -> None:
        self.loads[peer_id] = load
        row = self.table.row_of.get(peer_id)
        if row is not None:
            self.table.columns["booked"][row] = load.booked
            self.table.columns["listed_in"][row] = load.listed_in

    def load(self, peer_id: str) -> PeerLoad:
        return self.loads.get(peer_id, PeerLoad())

    def pool(self, beneficiary: BeneficiaryView, context: RankingContext, limit: int = 10) -> list[PeerView]:
        """The best `limit * POOL_PER_PLACE` admissible, relevant peers by the full score.

        Peers who practised a job of a target domain, or reached one, are scored first; the weaker rungs of
        the ladder (same grand domain, same sector) are scored only when their best possible total could
        still reach the pool."""
        if not beneficiary.matching_consent or not beneficiary.target_jobs:
            return []
        job = np.zeros(self.table.size, dtype=np.float64)
        for rung, key in ladder_keys(list(beneficiary.target_jobs)):
            job[self.ladder.rows((rung, key))] = JOB_LADDER[rung]
        first, facts = self._arrivals(beneficiary)
        strong = (job >= JOB_LADDER["domain"]) | ((first < NO_STEP) & (job > 0))
        keep = limit * POOL_PER_PLACE
        rows, total = self._scored(np.flatnonzero(strong), job, first, facts, beneficiary, context)
        if np.count_nonzero(total >= self._weak_bound(context)) < keep:
            weak_rows, weak_total = self._scored(
                np.flatnonzero((job > 0) & ~strong), job, first, facts, beneficiary, context
            )
            rows, total = np.concatenate([rows, weak_rows]), np.concatenate([total, weak_total])
        if rows.size > keep:
            # all the rows tied with the last kept one stay: the pure ranking breaks ties by id, and rounds
            cut = np.partition(total, rows.size - keep)[rows.size - keep]
            rows = rows[total >= cut - 1e-4]
        return [self.views[str(self.table.ids[row])] for row in rows]

    def _weak_bound(self, context: RankingContext) -> float:
        """The best total a peer could reach from the grand-domain rung without reaching a target domain."""
        w = context.weights
        best_reliability = float(self.table.columns["reliability"][: self.table.size].max(initial=0.0))
        return (
            w.job * JOB_LADDER["grand_domain"]
            + w.path * PATH_POINTS["same_situation"]
            + w.place
            + w.fit
            + w.reliability * best_reliability
        )

    def _scored(
        self,
        rows: Ints,
        job: Floats,
        first: Ints,
        facts: Ints,
        beneficiary: BeneficiaryView,
        context: RankingContext,
    ) -> tuple[Ints, Floats]:
        c = self.table.columns
        rows = rows[self._admitted(rows, beneficiary, context)]
        common_modes = c["modes"][rows] & mode_mask(beneficiary.meeting_modes)
        kind = stood_kind(beneficiary.situation)
        same = ((c["stood"][rows] >> kind) & 1) if kind >= 0 else np.zeros(rows.size, dtype=np.int64)
        f = facts[rows]
        months_ago = month_number(context.today) - f[:, 2]
        parts = (
            job[rows],
            path_values(
                same,
                (first[rows] < NO_STEP).astype(np.int64),
                f[:, 0],
                f[:, 1],
                months_ago,
                f[:, 3],
                transition_code(beneficiary.transition),
            ),
            place_values(
                beneficiary.latitude,
                beneficiary.longitude,
                c["latitude"][rows],
                c["longitude"][rows],
                np.full(rows.size, float(max(beneficiary.mobility_km, 1))),
                common_modes,
            ),
            fit_values(common_modes, c["languages"][rows] & self.languages.mask(beneficiary.languages)),
            c["reliability"][rows],
        )
        return rows, totals(context.weights, *parts)

    def _admitted(self, rows: Ints, b: BeneficiaryView, context: RankingContext) -> npt.NDArray[np.bool_]:
        """`RankingContext.admits` over arrays."""
        c = self.table.columns
        agency = self.agencies.known(b.agency_id)
        region = self.regions.known(b.region_code)
        visible = (c["agency"][rows] == agency) | (c["region_visible"][rows] & (c["region"][rows] == region))
        ok = self.table.active[rows] & ~c["paused"][rows] & visible
        common = c["modes"][rows] & mode_mask(b.meeting_modes)
        ok &= common != 0
        in_person_only = np.flatnonzero(ok & ((common & REMOTE_MASK) == 0))
        at = rows[in_person_only]
        with np.errstate(invalid="ignore"):  # a peer without a town (NaN) is never beyond the radius
            km = distances_km(b.latitude, b.longitude, c["latitude"][at], c["longitude"][at])
        ok[in_person_only[km > max(b.mobility_km, 1)]] = False
        if b.minor:
            ok &= c["vetted"][rows]
        capacity, booked = c["capacity"][rows], c["booked"][rows]
        share = np.ceil(np.maximum(0, capacity - booked) * context.fairness)
        listed = np.isin(rows, self._rows(context.listed))
        ok &= (booked < capacity) & (listed | (c["listed_in"][rows] < share))
        if context.dismissed:
            ok &= ~np.isin(rows, self._rows(context.dismissed))
        return np.asarray(ok, dtype=np.bool_)

    def _rows(self, peer_ids: frozenset[str]) -> Ints:
        return np.array([self.table.row_of[p] for p in peer_ids if p in self.table.row_of], dtype=np.int64)

    def _arrivals(self, b: BeneficiaryView) -> tuple[Ints, Ints]:
        """Per row, the first step reaching a target domain (NO_STEP if none) and, for it: career change,
        imposed transition, start month; then whether the peer made the same move as the beneficiary."""
        first = np.full(self.table.size, NO_STEP, dtype=np.int64)
        facts = np.zeros((self.table.size, 4), dtype=np.int64)
        for domain in sorted({t[:3] for t in b.target_jobs}):
            at, values = self.arrivals.arrays(domain)
            earlier = values[:, 0] < first[at]
            first[at[earlier]] = values[earlier, 0]
            facts[at[earlier], :3] = values[earlier, 1:]
        for family in families(b.previous_jobs):  # the same move, into any target domain
            for domain in {t[:3] for t in b.target_jobs}:
                facts[self.moves.rows((family, domain)), 3] = 1
        return first, facts
