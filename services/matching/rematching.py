"""Live re-matching: keeps each beneficiary's top list and announces a peer only when they newly enter it.

A new or changed peer is scored against every beneficiary and enters the lists where it beats the
last place; a changed project is ranked again; a paused, withdrawn or erased peer leaves every list,
which refills. Lists are matching's aggregates, written with their events (outbox)."""

from __future__ import annotations

from datetime import date

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.matching import SuggestionOfferedV1
from services.contracts.events.profiles import PeerPausedV1
from services.kit import context
from services.kit.agency_directory import AgencyDirectory
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.matching.adapters.projections import Projections, beneficiary_view, peer_view
from services.matching.domain.model import BeneficiaryView
from services.matching.domain.ranking import rank
from services.matching.domain.score import Scored, eligible, score

LISTS = "suggestion_lists"
TOPIC = "matching.suggestion"
TOP = 10


class Rematcher:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        projections: Projections,
        directory: AgencyDirectory,
        outbox: OutboxWriter,
    ) -> None:
        self.lists = database[LISTS]
        self.projections = projections
        self.directory = directory
        self.outbox = outbox

    def subscribe(self, router: EventRouter) -> Rematcher:
        """After the projections' own handlers for the same events (the router keeps the order)."""
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
    def _today() -> str:
        return date.today().strftime("%Y-%m")

    async def _view(self, document: Document) -> BeneficiaryView:
        agency = await self.directory.collection.find_one({"_id": document["agency_id"]})
        return beneficiary_view(document, agency["region_code"] if agency else "")

    async def refresh(self, beneficiary_id: str) -> None:
        """Rank again and store the list, announcing the peers that were not in it."""
        document = await self.projections.beneficiary(beneficiary_id)
        if document is None or not document.get("active", True):
            ranked: list[Scored] = []
        else:
            dismissed = await self.projections.dismissed(beneficiary_id)
            peers = await self.projections.active_peers()
            ranked = rank(await self._view(document), peers, self._today(), TOP, dismissed=dismissed)
        await self._store(beneficiary_id, document, ranked)

    async def _store(self, beneficiary_id: str, document: Document | None, ranked: list[Scored]) -> None:
        current = await self.lists.find_one({"_id": beneficiary_id})
        before = set(current["peers"]) if current else set()
        entered = [(position, s) for position, s in enumerate(ranked, start=1) if s.peer_id not in before]
        version = current["version"] + 1 if current else 1
        events = [(self._offered(document, version, position, s), TOPIC) for position, s in entered if document]
        state = {
            "peers": [s.peer_id for s in ranked],
            "scores": [s.total for s in ranked],
            "threshold": ranked[-1].total if len(ranked) == TOP else 0.0,
        }
        if current is None:
            await self.outbox.insert(self.lists, {"_id": beneficiary_id, **state}, events)
        elif state["peers"] != current["peers"] or events:
            await self.outbox.update(self.lists, beneficiary_id, current["version"], state, events)

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

    def _offered(self, document: Document | None, version: int, position: int, scored: Scored) -> Envelope:
        assert document is not None
        trace = context.current()
        payload = SuggestionOfferedV1(
            beneficiary_id=document["_id"],
            agency_id=document["agency_id"],
            counsellor_id=document["counsellor_id"],
            peer_id=scored.peer_id,
            rank=position,
            score=scored.total,
            reasons=list(scored.reasons),
        )
        return Envelope(
            event_type="matching.suggestion.offered",
            aggregate_type="suggestion",
            aggregate_id=document["_id"],
            aggregate_version=version,
            tenant_id=document["agency_id"],
            correlation_id=trace.correlation_id,
            causation_id=trace.causation_id,
            producer="matching",
            payload=payload.model_dump(mode="json"),
        )

    async def on_beneficiary(self, envelope: Envelope, payload: object) -> None:
        await self.refresh(envelope.aggregate_id)

    async def on_peer_card(self, envelope: Envelope, payload: object) -> None:
        """Reverse match: the peer is scored against every beneficiary and enters the lists whose last
        place it beats; a list that already holds it is ranked again (its card changed)."""
        document = await self.projections.peers.find_one({"_id": envelope.aggregate_id})
        if document is None or not document.get("active"):
            return
        peer = peer_view(document)
        held = {d["_id"]: d async for d in self.lists.find({})}
        regions = {d["_id"]: d.get("region_code", "") async for d in self.directory.collection.find({})}
        today = self._today()
        async for beneficiary in self.projections.beneficiaries.find({"active": True}):
            view = beneficiary_view(beneficiary, regions.get(beneficiary["agency_id"], ""))
            listed = held.get(beneficiary["_id"])
            if listed is not None and peer.peer_id in listed["peers"]:
                await self.refresh(beneficiary["_id"])
                continue
            if not eligible(view, peer):
                continue
            scored = score(view, peer, today)
            relevant = scored.breakdown["job"] > 0 or scored.breakdown["path"] > 0
            if relevant and scored.total > (listed["threshold"] if listed else 0.0):
                pair = f"{beneficiary['_id']}/{peer.peer_id}"
                if await self.projections.dismissals.find_one({"_id": pair}) is None:
                    await self._enter(beneficiary["_id"], beneficiary, scored, listed)

    async def on_peer_paused(self, envelope: Envelope, payload: PeerPausedV1) -> None:
        if payload.paused:
            await self._drop(envelope.aggregate_id)
        else:
            await self.on_peer_card(envelope, payload)

    async def on_peer_gone(self, envelope: Envelope, payload: object) -> None:
        await self._drop(envelope.aggregate_id)

    async def on_erased(self, envelope: Envelope, payload: object) -> None:
        await self._drop(envelope.aggregate_id)  # a beneficiary's own list empties through refresh
        if await self.lists.find_one({"_id": envelope.aggregate_id}) is not None:
            await self.refresh(envelope.aggregate_id)

    async def _drop(self, peer_id: str) -> None:
        async for holder in self.lists.find({}):
            if peer_id in holder["peers"]:
                await self.refresh(holder["_id"])
