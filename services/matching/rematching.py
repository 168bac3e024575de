"""Live re-matching: keeps each beneficiary's top list and announces a peer only when they newly enter it.

A new or changed peer is matched in reverse (the beneficiary index answers which lists it would enter,
the pure score confirms each); a changed project is ranked again; a paused, full, withdrawn or erased
peer leaves every list, which refills. Lists are matching's aggregates, written with their events
(outbox) by a compare-and-set on their version: two instances changing one list at once (one after a
peer's event, the other after a beneficiary's) cannot lose a change, the second ranks again. Each change
is announced (`matching.suggestion.ranked`), which is how every instance's memory follows the lists."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.contracts.events.matching import SuggestionListRankedV1, SuggestionOfferedV1
from services.contracts.events.profiles import AgencyRegisteredV1, PeerPausedV1, PersonErasedV1, PersonKind
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate, OutboxWriter
from services.matching.adapters.indexes import LISTS
from services.matching.adapters.projections import FOREVER, Projections, beneficiary_view, peer_view
from services.matching.domain.fairness import fair_share
from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.ranking import rank
from services.matching.domain.score import DEFAULT_WEIGHTS, Scored, eligible, relevant, score
from services.matching.events import event
from services.matching.memory import Memory, current_month

__all__ = ["LISTS", "TOP", "TOPIC", "Rematcher"]

TOPIC = "matching.suggestion"
TOP = 10
ATTEMPTS = 5  # a list written by another instance meanwhile is ranked again, up to this many times

log = logging.getLogger(__name__)


class Rematcher:
    def __init__(
        self, database: AsyncDatabase[Document], projections: Projections, memory: Memory, outbox: OutboxWriter
    ) -> None:
        self.lists = database[LISTS]
        self.projections = projections
        self.memory = memory
        self.outbox = outbox
        # waits until this instance's memory holds what every instance applied (`following.caught_up`)
        self.caught_up: Callable[[], Awaitable[None]] = _at_once

    def subscribe(self, router: EventRouter) -> Rematcher:
        """After the projections' own handlers for the same events (the router keeps the order)."""
        router.on("profiles.agency.registered", self.on_agency)
        for event_type in (
            "profiles.beneficiary.registered",
            "profiles.beneficiary.project_changed",
            "profiles.beneficiary.closed",
        ):
            router.on(event_type, self.on_beneficiary)
        for event_type in ("profiles.peer.published", "profiles.peer.updated"):
            router.on(event_type, self.on_peer_card)
        router.on("profiles.peer.paused", self.on_peer_paused)
        router.on("profiles.peer.withdrawn", self.on_peer_gone)
        router.on("profiles.person.erased", self.on_erased)
        return self

    @staticmethod
    def today() -> str:
        return current_month()

    def view(self, document: Document) -> BeneficiaryView:
        return beneficiary_view(document, self.memory.regions.get(document["agency_id"], ""))

    async def on_agency(self, envelope: Envelope, payload: AgencyRegisteredV1) -> None:
        self.memory.regions[payload.agency_id] = payload.region_code

    # -- beneficiaries ----------------------------------------------------------------------------

    async def on_beneficiary(self, envelope: Envelope, payload: object) -> None:
        await self.refresh(envelope.aggregate_id)

    async def refresh(
        self, beneficiary_id: str, events: Sequence[tuple[Envelope, str]] = (), *, caught_up: bool = False
    ) -> None:
        """Rank again and store the list, announcing the peers that were not in it."""
        for attempt in range(1, ATTEMPTS + 1):
            if not caught_up or attempt > 1:
                await self.caught_up()
            document = await self.projections.beneficiary(beneficiary_id)
            ranked: list[Scored] = []
            if document is None or not document.get("active", True):
                self.memory.remove_beneficiary(beneficiary_id, document["version"] if document else FOREVER)
            else:
                view = self.view(document)
                self.memory.put_beneficiary(view, document["version"])
                context = self.memory.context(view, self.today())
                ranked = rank(view, self.memory.peers.pool(view, context, TOP), context, TOP)
            try:
                await self._store(beneficiary_id, document, ranked, events)
                return
            except (ConcurrentUpdate, DuplicateKeyError):
                if attempt == ATTEMPTS:
                    raise
                log.info("the list of %s changed meanwhile: ranking again", beneficiary_id)

    async def _store(
        self,
        beneficiary_id: str,
        document: Document | None,
        ranked: list[Scored],
        events: Sequence[tuple[Envelope, str]] = (),
        current: Document | None = None,
    ) -> None:
        """Write the list if it changed, with its events, by a compare-and-set on the version of `current`
        (the stored list the entries come from: {} when there was none; read here when not given); raises
        ConcurrentUpdate (DuplicateKeyError for a first list) when another writer came first."""
        if current is None:
            current = await self.lists.find_one({"_id": beneficiary_id}, {"outbox": 0}) or {}
        before = set(current.get("peers", ()))
        version = current.get("version", 0) + 1
        events = [(e.model_copy(update={"aggregate_version": version}), topic) for e, topic in events]
        offered = [
            (self._offered(document, version, position, s), TOPIC)
            for position, s in enumerate(ranked, start=1)
            if s.peer_id not in before and document is not None
        ]
        peers = [s.peer_id for s in ranked]
        threshold = ranked[-1].total if len(ranked) == TOP else 0.0
        agency_id = document["agency_id"] if document else current.get("agency_id")
        state = {"peers": peers, "scores": [s.total for s in ranked], "threshold": threshold, "agency_id": agency_id}
        changed = any(current.get(k) != v for k, v in state.items()) if current else bool(peers)
        announced = [(self._ranked(beneficiary_id, agency_id, version, peers, threshold), TOPIC)] if changed else []
        if not current and (changed or events):
            await self.outbox.insert(self.lists, {"_id": beneficiary_id, **state}, [*events, *offered, *announced])
        elif current and (changed or events):
            await self.outbox.update(
                self.lists, beneficiary_id, current["version"], state, [*events, *offered, *announced]
            )
        else:
            return  # nothing changed: nothing written, nothing to follow
        self.memory.set_list(beneficiary_id, tuple(peers), threshold, version)

    @staticmethod
    def _ranked(
        beneficiary_id: str, agency_id: str | None, version: int, peers: list[str], threshold: float
    ) -> Envelope:
        payload = SuggestionListRankedV1(
            beneficiary_id=beneficiary_id, agency_id=agency_id, peers=peers, threshold=threshold
        )
        envelope = event("matching.suggestion.ranked", "suggestion", beneficiary_id, version, agency_id or "", payload)
        return envelope if agency_id else envelope.model_copy(update={"tenant_id": None})

    def _offered(self, document: Document | None, version: int, position: int, scored: Scored) -> Envelope:
        assert document is not None
        payload = SuggestionOfferedV1(
            beneficiary_id=document["_id"],
            agency_id=document["agency_id"],
            counsellor_id=document["counsellor_id"],
            peer_id=scored.peer_id,
            rank=position,
            score=scored.total,
            reasons=list(scored.reasons),
        )
        return event(
            "matching.suggestion.offered", "suggestion", document["_id"], version, document["agency_id"], payload
        )

    # -- peers ------------------------------------------------------------------------------------

    async def on_peer_card(self, envelope: Envelope, payload: object) -> None:
        document = await self.projections.peers.find_one({"_id": envelope.aggregate_id})
        if document is None or not document.get("active"):
            self.memory.remove_peer(envelope.aggregate_id, document["version"] if document else FOREVER)
            await self.refresh_holders(envelope.aggregate_id)
            return
        peer = self.memory.put_peer(peer_view(document), document["version"])
        await self.refresh_holders(peer.peer_id)  # its card changed: the lists showing it rank again
        await self.reverse(peer)

    async def reverse(self, peer: PeerView) -> None:
        """The peer enters the lists whose last place it beats, within its fair share."""
        await self.caught_up()
        month, today = current_month(), self.today()
        load = self.memory.load_of(peer.peer_id, month)
        room = fair_share(peer.capacity_per_month, load.booked, self.memory.fairness) - load.listed_in
        if load.booked >= peer.capacity_per_month or room <= 0:
            return
        holders = self.memory.holders.get(peer.peer_id, set())
        for beneficiary_id, _ in self.memory.beneficiaries.reverse(peer, today):
            if room <= 0:
                break
            if beneficiary_id in holders or peer.peer_id in self.memory.dismissed.get(beneficiary_id, ()):
                continue
            document = await self.projections.beneficiary(beneficiary_id)
            if document is None or not document.get("active", True):
                continue
            view = self.view(document)
            scored = score(view, peer, today, self.memory.weights.get(view.agency_id, DEFAULT_WEIGHTS))
            held = await self.lists.find_one({"_id": beneficiary_id}, {"outbox": 0})
            threshold = held["threshold"] if held else 0.0
            if eligible(view, peer) and relevant(scored.breakdown["job"]) and scored.total > threshold:
                await self._enter(beneficiary_id, document, scored, held)
                room -= 1

    async def _enter(self, beneficiary_id: str, document: Document, scored: Scored, held: Document | None) -> None:
        """The peer takes its place in the stored list without ranking everyone again (everyone is ranked
        again if the list changed since it was read)."""
        entries = (
            []
            if held is None
            else [
                Scored(p, t, {}, ())
                for p, t in zip(held["peers"], held.get("scores", []), strict=False)
                if p != scored.peer_id
            ]
        )
        entries.append(scored)
        entries.sort(key=lambda e: -e.total)
        try:
            await self._store(beneficiary_id, document, entries[:TOP], current=held or {})
        except (ConcurrentUpdate, DuplicateKeyError):
            await self.refresh(beneficiary_id)

    async def on_peer_paused(self, envelope: Envelope, payload: PeerPausedV1) -> None:
        await self.on_peer_card(envelope, payload)

    async def on_peer_gone(self, envelope: Envelope, payload: object) -> None:
        erased = envelope.event_type == "profiles.person.erased"
        self.memory.remove_peer(envelope.aggregate_id, FOREVER if erased else envelope.aggregate_version)
        await self.refresh_holders(envelope.aggregate_id)

    async def on_erased(self, envelope: Envelope, payload: PersonErasedV1) -> None:
        if payload.person_kind == PersonKind.PEER:
            await self.on_peer_gone(envelope, payload)
        else:
            await self.refresh(payload.person_id)  # the beneficiary's own list empties

    async def refresh_holders(self, peer_id: str) -> None:
        """The lists showing this peer rank again (it changed, filled up, paused or left)."""
        holders = sorted(self.memory.holders.get(peer_id, set()))
        if holders:
            await self.caught_up()
        for beneficiary_id in holders:
            await self.refresh(beneficiary_id, caught_up=True)


async def _at_once() -> None:
    return None
