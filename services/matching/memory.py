"""What matching ranks from, kept in memory beside its database: the peer and beneficiary indexes, the
peers of each top list, the dismissed pairs, each peer's bookings and reliability. `load` rebuilds it all
from the database at start-up (before any event is consumed); the handlers keep it current."""

from __future__ import annotations

import gc
import logging
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.matching.adapters.projections import BENEFICIARIES, DISMISSALS, PEERS, beneficiary_view, peer_view
from services.matching.domain.fairness import DEFAULT_FAIRNESS
from services.matching.domain.model import BeneficiaryView, PeerLoad, PeerView, Reliability
from services.matching.domain.ranking import RankingContext
from services.matching.domain.score import DEFAULT_WEIGHTS, Weights
from services.matching.search.beneficiary_index import BeneficiaryIndex
from services.matching.search.peer_index import PeerIndex

log = logging.getLogger(__name__)


class Memory:
    def __init__(self, weights: Mapping[str, Weights] | None = None, fairness: float = DEFAULT_FAIRNESS) -> None:
        self.weights = dict(weights or {})
        self.fairness = fairness
        self.reset()

    def reset(self) -> None:
        self.peers = PeerIndex(self.fairness)
        self.beneficiaries = BeneficiaryIndex(self.weights)
        self.lists: dict[str, tuple[str, ...]] = {}
        self.holders: dict[str, set[str]] = {}
        self.dismissed: dict[str, set[str]] = {}
        self.booked: dict[str, Counter[str]] = {}  # peer -> introductions holding a slot, by month
        self.reliability: dict[str, Reliability] = {}
        self.regions: dict[str, str] = {}
        self._thresholds: dict[str, float] = {}
        self.month = current_month()

    async def load(self, database: AsyncDatabase[Document]) -> None:
        started = time.perf_counter()
        self.reset()
        self.regions = {d["_id"]: d.get("region_code", "") async for d in database["agency_directory"].find({})}
        async for d in database["peer_reliability"].find({}):
            self.reliability[d["_id"]] = reliability_of(d)
        async for d in database["introductions"].find({}, {"peer_id": 1, "month": 1, "holds_slot": 1}):
            if d.get("holds_slot"):
                self.booked.setdefault(d["peer_id"], Counter())[d["month"]] += 1
        async for d in database[DISMISSALS].find({}):
            self.dismissed.setdefault(d["beneficiary_id"], set()).add(d["peer_id"])
        async for d in database[PEERS].find({"active": True}):
            self.put_peer(peer_view(d))
        async for d in database[BENEFICIARIES].find({"active": True}):
            self.put_beneficiary(beneficiary_view(d, self.regions.get(d["agency_id"], "")))
        async for d in database["suggestion_lists"].find({}, {"peers": 1, "threshold": 1}):
            self.set_list(d["_id"], tuple(d["peers"]), d.get("threshold", 0.0))
        gc.collect()
        gc.freeze()  # the long-lived indexes stay out of the collector's scans
        log.info(
            "matching memory loaded: %d peers, %d beneficiaries, %d lists in %.1f s",
            len(self.peers),
            len(self.beneficiaries),
            len(self.lists),
            time.perf_counter() - started,
        )

    # -- peers ------------------------------------------------------------------------------------

    def put_peer(self, peer: PeerView) -> PeerView:
        peer = replace(peer, reliability=self.reliability.get(peer.peer_id, Reliability()))
        self.peers.put(peer)
        self._refresh_load(peer.peer_id)
        return peer

    def remove_peer(self, peer_id: str) -> None:
        self.peers.remove(peer_id)

    def peer(self, peer_id: str) -> PeerView | None:
        return self.peers.views.get(peer_id)

    def set_reliability(self, peer_id: str, stats: Reliability) -> None:
        self.reliability[peer_id] = stats
        peer = self.peer(peer_id)
        if peer is not None:
            self.put_peer(peer)

    def book(self, peer_id: str, month: str, change: int) -> None:
        self.booked.setdefault(peer_id, Counter())[month] += change
        self._refresh_load(peer_id)

    def load_of(self, peer_id: str, month: str) -> PeerLoad:
        return PeerLoad(self.booked.get(peer_id, Counter())[month], len(self.holders.get(peer_id, ())))

    def roll_month(self) -> bool:
        """On the first day of a month every peer's bookings start again from that month's."""
        if current_month() == self.month:
            return False
        self.month = current_month()
        for peer_id in list(self.peers.views):
            self._refresh_load(peer_id)
        return True

    def _refresh_load(self, peer_id: str) -> None:
        self.peers.set_load(peer_id, self.load_of(peer_id, current_month()))

    # -- beneficiaries ----------------------------------------------------------------------------

    def put_beneficiary(self, beneficiary: BeneficiaryView) -> None:
        self.beneficiaries.put(beneficiary)
        self.beneficiaries.set_threshold(
            beneficiary.beneficiary_id, self._thresholds.get(beneficiary.beneficiary_id, 0.0)
        )

    def remove_beneficiary(self, beneficiary_id: str) -> None:
        self.beneficiaries.remove(beneficiary_id)

    def dismiss(self, beneficiary_id: str, peer_id: str) -> None:
        self.dismissed.setdefault(beneficiary_id, set()).add(peer_id)

    # -- top lists --------------------------------------------------------------------------------

    def set_list(self, beneficiary_id: str, peers: tuple[str, ...], threshold: float) -> None:
        before = self.lists.get(beneficiary_id, ())
        self.lists[beneficiary_id] = peers
        for peer_id in set(before) - set(peers):
            self.holders.get(peer_id, set()).discard(beneficiary_id)
            self._refresh_load(peer_id)
        for peer_id in set(peers) - set(before):
            self.holders.setdefault(peer_id, set()).add(beneficiary_id)
            self._refresh_load(peer_id)
        self._thresholds[beneficiary_id] = threshold
        self.beneficiaries.set_threshold(beneficiary_id, threshold)

    def context(self, beneficiary: BeneficiaryView, today: str) -> RankingContext:
        return RankingContext(
            today=today,
            weights=self.weights.get(beneficiary.agency_id, DEFAULT_WEIGHTS),
            dismissed=frozenset(self.dismissed.get(beneficiary.beneficiary_id, ())),
            listed=frozenset(self.lists.get(beneficiary.beneficiary_id, ())),
            loads=self.peers.loads,
            fairness=self.fairness,
        )


def reliability_of(d: Document) -> Reliability:
    return Reliability(
        proposed=d.get("proposed", 0),
        answered=d.get("answered", 0),
        meetings=d.get("meetings", 0),
        useful_sum=d.get("useful_sum", 0),
        ratings=d.get("ratings", 0),
        answer_hours=d.get("answer_hours", 0.0),
    )


def current_month() -> str:
    return time.strftime("%Y-%m", time.gmtime())
