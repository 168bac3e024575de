"""Live re-matching: keeps each beneficiary's top list and announces a peer only when they newly enter it.

A new or changed peer is matched in reverse (the beneficiary index answers which lists it would enter,
the pure score confirms each); a changed project is ranked again; a paused, full, withdrawn or erased
peer leaves every list, which refills. Lists are matching's aggregates, written with their events
(outbox); the memory follows each write."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.matching import SuggestionOfferedV1
from services.contracts.events.profiles import AgencyRegisteredV1, PeerPausedV1, PersonErasedV1, PersonKind
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.matching.adapters.projections import Projections, beneficiary_view, peer_view
from services.matching.domain.fairness import fair_share
from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.ranking import rank
from services.matching.domain.score import DEFAULT_WEIGHTS, Scored, eligible, relevant, score
from services.matching.events import event
from services.matching.memory import Memory, current_month

LISTS = "suggestion_lists"
TOPIC = "matching.suggestion"
TOP = 10


class Rematcher:
    def __init__(
        self, database: AsyncDatabase[Document], projections: Projections, memory: Memory, outbox: OutboxWriter
    ) -> None:
        self.lists = database[LISTS]
        self.projections = projections
        self.memory = memory
        self.outbox = outbox

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

    async def refresh(self, beneficiary_id: str, events: Sequence[tuple[Envelope, str]] = ()) -> None:
        """Rank again and store the list, announcing the peers that were not in it."""
        document = await self.projections.beneficiary(beneficiary_id)
        ranked: list[Scored] = []
        if document is None or not document.get("active", True):
            self.memory.remove_beneficiary(beneficiary_id)
        else:
            view = self.view(document)
            self.memory.put_beneficiary(view)
            context = self.memory.context(view, self.today())
            ranked = rank(view, self.memory.peers.pool(view, context, TOP), context, TOP)
        await self._store(beneficiary_id, document, ranked, events)

    async def _store(
        self,
        beneficiary_id: str,
        document: Document | None,
        ranked: list[Scored],
        events: Sequence[tuple[Envelope, str]] = (),
    ) -> None:
        current = await self.lists.find_one({"_id": beneficiary_id})
        before = set(current["peers"]) if current else set()
        version = current["version"] + 1 if current else 1
        events = [(e.model_copy(update={"aggregate_version": version}), topic) for e, topic in events]
        offered = [
            (self._offered(document, version, position, s), TOPIC)
            for position, s in enumerate(ranked, start=1)
            if s.peer_id not in before and document is not None
        ]
        peers = [s.peer_id for s in ranked]
        threshold = ranked[-1].total if len(ranked) == TOP else 0.0
        state = {"peers": peers, "scores": [s.total for s in ranked], "threshold": threshold}
        if current is None:
            await self.outbox.insert(self.lists, {"_id": beneficiary_id, **state}, [*events, *offered])
        elif peers != current["peers"] or offered or events:
            await self.outbox.update(self.lists, beneficiary_id, current["version"], state, [*events, *offered])
        self.memory.set_list(beneficiary_id, tuple(peers), threshold)

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
            await self.on_peer_gone(envelope, payload)
            return
        peer = self.memory.put_peer(peer_view(document))
        await self.refresh_holders(peer.peer_id)  # its card changed: the lists showing it rank again
        await self.reverse(peer)

    async def reverse(self, peer: PeerView) -> None:
        """The peer enters the lists whose last place it beats, within its fair share."""
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
            held = await self.lists.find_one({"_id": beneficiary_id})
            threshold = held["threshold"] if held else 0.0
            if eligible(view, peer) and relevant(scored.breakdown["job"]) and scored.total > threshold:
                await self._enter(beneficiary_id, document, scored, held)
                room -= 1

    async def _enter(self, beneficiary_id: str, document: Document, scored: Scored, held: Document | None) -> None:
        """The peer takes its place in the stored list without ranking everyone again."""
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
        await self._store(beneficiary_id, document, entries[:TOP])

    async def on_peer_paused(self, envelope: Envelope, payload: PeerPausedV1) -> None:
        await self.on_peer_card(envelope, payload)

    async def on_peer_gone(self, envelope: Envelope, payload: object) -> None:
        self.memory.remove_peer(envelope.aggregate_id)
        await self.refresh_holders(envelope.aggregate_id)

    async def on_erased(self, envelope: Envelope, payload: PersonErasedV1) -> None:
        if payload.person_kind == PersonKind.PEER:
            await self.on_peer_gone(envelope, payload)
        else:
            await self.refresh(payload.person_id)  # the beneficiary's own list empties

    async def refresh_holders(self, peer_id: str) -> None:
        """The lists showing this peer rank again (it changed, filled up, paused or left)."""
        for beneficiary_id in sorted(self.memory.holders.get(peer_id, set())):
            await self.refresh(beneficiary_id)
