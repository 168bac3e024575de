"""What matching ranks from, kept in memory beside its database: the peer and beneficiary indexes, the
peers of each top list, the dismissed pairs, each peer's bookings and reliability. `load` rebuilds it all
from the database's repositories at start-up (before any event is consumed); then every instance follows
every change, whichever instance made it (`adapters.memory_follower`), and the instance that makes one
also applies it at once. Changes carry the version of what they describe (the peer's, the beneficiary's,
the list's) and an older one never replaces a newer one, so the two ways may arrive in any order."""

from __future__ import annotations

import gc
import itertools
import logging
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from services.matching.adapters.projections import beneficiary_view, peer_view
from services.matching.adapters.stores import Stores
from services.matching.domain.fairness import DEFAULT_FAIRNESS
from services.matching.domain.model import BeneficiaryView, PeerLoad, PeerView, Reliability
from services.matching.domain.peer_record import PeerRecord, record_of
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
        self.loaded = False  # until `load` is done the API refuses to answer from it (app's RefuseUntilLoaded)
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
        # the version each peer, beneficiary and list is known at (also after it left: a late event stays out)
        self.peer_versions: dict[str, int] = {}
        self.beneficiary_versions: dict[str, int] = {}
        self.list_versions: dict[str, int] = {}
        self._counts = itertools.count(1)  # a peer's record counted later replaces one counted earlier
        self._counted: dict[str, int] = {}

    async def load(self, stores: Stores) -> None:
        """Everything from the database, through its repositories (at start-up, before any event)."""
        started = time.perf_counter()
        self.reset()
        self.regions = {d["_id"]: d.get("region_code", "") for d in await stores.agencies.all(include_closed=True)}
        for peer_id, history in (await stores.introductions.histories()).items():
            self.set_record(peer_id, record_of(history), 0)
        async for beneficiary_id, peer_id in stores.dismissals.each():
            self.dismiss(beneficiary_id, peer_id)
        async for d in stores.projections.active_peers():
            self.put_peer(peer_view(d), d["version"])
        async for d in stores.projections.active_beneficiaries():
            self.put_beneficiary(beneficiary_view(d, self.regions.get(d["agency_id"], "")), d["version"])
        async for listed in stores.lists.each():
            self.set_list(listed.beneficiary_id, listed.peers, listed.threshold, listed.version)
        self.loaded = True
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

    def put_peer(self, peer: PeerView, version: int) -> PeerView:
        """The peer as of `version`, unless a newer one is known; returns the view now in memory."""
        if version < self.peer_versions.get(peer.peer_id, 0):
            return self.peers.views.get(peer.peer_id, peer)
        self.peer_versions[peer.peer_id] = version
        return self._put(peer)

    def _put(self, peer: PeerView) -> PeerView:
        peer = replace(peer, reliability=self.reliability.get(peer.peer_id, Reliability()))
        self.peers.put(peer)
        self._refresh_load(peer.peer_id)
        return peer

    def remove_peer(self, peer_id: str, version: int) -> None:
        if version < self.peer_versions.get(peer_id, 0):
            return
        self.peer_versions[peer_id] = version
        self.peers.remove(peer_id)

    def peer(self, peer_id: str) -> PeerView | None:
        return self.peers.views.get(peer_id)

    def count_ticket(self) -> int:
        """Taken before counting a peer's record from the database (see `set_record`)."""
        return next(self._counts)

    def set_record(self, peer_id: str, record: PeerRecord, ticket: int) -> None:
        """A peer's bookings and reliability as counted from their introductions. A count started earlier
        (a smaller ticket) than the one in memory read older data: it is dropped."""
        if ticket < self._counted.get(peer_id, 0):
            return
        self._counted[peer_id] = ticket
        self.booked[peer_id] = Counter(record.booked)
        if self.reliability.get(peer_id) != record.reliability:
            self.reliability[peer_id] = record.reliability
            peer = self.peer(peer_id)
            if peer is not None:
                self._put(peer)
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

    def put_beneficiary(self, beneficiary: BeneficiaryView, version: int) -> None:
        if version < self.beneficiary_versions.get(beneficiary.beneficiary_id, 0):
            return
        self.beneficiary_versions[beneficiary.beneficiary_id] = version
        self.beneficiaries.put(beneficiary)
        self.beneficiaries.set_threshold(
            beneficiary.beneficiary_id, self._thresholds.get(beneficiary.beneficiary_id, 0.0)
        )

    def remove_beneficiary(self, beneficiary_id: str, version: int) -> None:
        if version < self.beneficiary_versions.get(beneficiary_id, 0):
            return
        self.beneficiary_versions[beneficiary_id] = version
        self.beneficiaries.remove(beneficiary_id)

    def dismiss(self, beneficiary_id: str, peer_id: str) -> None:
        self.dismissed.setdefault(beneficiary_id, set()).add(peer_id)

    # -- top lists --------------------------------------------------------------------------------

    def set_list(self, beneficiary_id: str, peers: tuple[str, ...], threshold: float, version: int) -> None:
        """The beneficiary's top list as of `version` of it (unless a newer one is known)."""
        if version < self.list_versions.get(beneficiary_id, 0):
            return
        self.list_versions[beneficiary_id] = version
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


def current_month() -> str:
    return time.strftime("%Y-%m", time.gmtime())
