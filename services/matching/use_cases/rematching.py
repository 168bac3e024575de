"""Live re-matching: keeps each beneficiary's top list current and announces a peer only when they newly
enter it.

A new or changed peer is matched in reverse (the beneficiary index answers which lists it would enter,
the pure score confirms each); a changed project is ranked again; a paused, full, withdrawn or erased
peer leaves every list, which refills. Lists are written with their events by a compare-and-set on their
version: two instances changing one list at once (one after a peer's event, the other after a
beneficiary's) cannot lose a change, the second ranks again. Each change is announced
(`matching.suggestion.ranked`), which is how every instance's memory follows the lists."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate, TakenByAnother
from services.matching.adapters.projections import FOREVER, Projections, beneficiary_view, peer_view, suggestible
from services.matching.adapters.suggestion_lists import SuggestionLists
from services.matching.domain.actor import Actor
from services.matching.domain.fairness import fair_share
from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.ranking import rank
from services.matching.domain.score import DEFAULT_WEIGHTS, Scored, eligible, relevant, score
from services.matching.domain.suggestion_list import (
    TOP,
    Addressee,
    Command,
    Dismiss,
    Enter,
    Rank,
    SuggestionList,
    decide,
)
from services.matching.memory import Memory, current_month

BATCH = 100  # candidates of a reverse match confirmed per pair of reads
ATTEMPTS = 5  # a list written by another instance meanwhile is ranked again, up to this many times

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dismissal:
    peer_id: str
    staff_id: str
    agency_id: str


class Rematcher:
    def __init__(self, projections: Projections, lists: SuggestionLists, memory: Memory) -> None:
        self.projections = projections
        self.lists = lists
        self.memory = memory
        # waits until this instance's memory holds what every instance applied (`MemoryFollower.caught_up`)
        self.caught_up: Callable[[], Awaitable[None]] = _at_once

    @staticmethod
    def today() -> str:
        return current_month()

    def view(self, document: Document) -> BeneficiaryView:
        return beneficiary_view(document, self.memory.regions.get(document["agency_id"], ""))

    # -- beneficiaries ----------------------------------------------------------------------------

    async def refresh(
        self, beneficiary_id: str, *, caught_up: bool = False, dismissal: Dismissal | None = None
    ) -> None:
        """Rank again and store the list, announcing the peers that were not in it (and the dismissal that
        made it rank again, written with it)."""
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
            addressee = _addressee(document)
            command: Command = (
                Rank(tuple(ranked), addressee)
                if dismissal is None
                else Dismiss(dismissal.peer_id, dismissal.staff_id, dismissal.agency_id, tuple(ranked), addressee)
            )
            actor = Actor.SYSTEM if dismissal is None else Actor.COUNSELLOR
            try:
                await self._write(await self.lists.load(beneficiary_id), command, actor)
                return
            except (ConcurrentUpdate, TakenByAnother):
                if attempt == ATTEMPTS:
                    raise
                log.info("the list of %s changed meanwhile: ranking again", beneficiary_id)

    async def _write(self, suggestions: SuggestionList, command: Command, actor: Actor) -> None:
        """Decide, then store the list with its events if it changed (ConcurrentUpdate, or TakenByAnother
        for a first list, when another writer came first); this instance's memory follows at once."""
        changed, events = decide(suggestions, command, actor, datetime.now(UTC))
        if not events:
            return  # nothing changed: nothing written, nothing to follow
        await self.lists.save(changed, events)
        self.memory.set_list(changed.beneficiary_id, changed.peers, changed.threshold, changed.version)

    # -- peers ------------------------------------------------------------------------------------

    async def peer_changed(self, peer_id: str) -> None:
        """A peer's card changed (published, updated, paused): the lists showing it rank again and it enters
        the lists it now beats; one no longer active, or who has not accepted the charter in force, leaves them."""
        document = await self.projections.peer(peer_id)
        if document is None or not suggestible(document):
            self.memory.remove_peer(peer_id, document["version"] if document else FOREVER)
            await self.refresh_holders(peer_id)
            return
        peer = self.memory.put_peer(peer_view(document), document["version"])
        await self.refresh_holders(peer.peer_id)
        await self.reverse(peer)

    async def peer_gone(self, peer_id: str, version: int) -> None:
        self.memory.remove_peer(peer_id, version)
        await self.refresh_holders(peer_id)

    async def reverse(self, peer: PeerView) -> None:
        """The peer enters the lists whose last place it beats, within its fair share."""
        await self.caught_up()
        month, today = current_month(), self.today()
        load = self.memory.load_of(peer.peer_id, month)
        room = fair_share(peer.capacity_per_month, load.booked, self.memory.fairness) - load.listed_in
        if load.booked >= peer.capacity_per_month or room <= 0:
            return
        holders = self.memory.holders.get(peer.peer_id, set())
        candidates = [
            beneficiary_id
            for beneficiary_id, _ in self.memory.beneficiaries.reverse(peer, today)
            if beneficiary_id not in holders and peer.peer_id not in self.memory.dismissed.get(beneficiary_id, ())
        ]
        # the index answers a little below each list's last place: many candidates may not enter, so they
        # are confirmed a batch at a time (two reads per batch, not per beneficiary)
        for start in range(0, len(candidates), BATCH):
            if room <= 0:
                break
            batch = candidates[start : start + BATCH]
            documents = await self.projections.beneficiaries_of(batch)
            confirmed = [
                (document, scored)
                for document in (documents.get(b) for b in batch)
                if document is not None
                and document.get("active", True)
                and (scored := self._pair_score(document, peer, today)) is not None
            ]
            if not confirmed:
                continue
            held_lists = await self.lists.load_many([document["_id"] for document, _ in confirmed])
            for document, scored in confirmed:
                held = held_lists[document["_id"]]
                if room > 0 and scored.total > held.threshold:
                    await self._enter(held, document, scored)
                    room -= 1

    def _pair_score(self, document: Document, peer: PeerView, today: str) -> Scored | None:
        """The pure score of the pair, if its hard rules hold and the path relates to a target job."""
        view = self.view(document)
        if not eligible(view, peer):
            return None
        scored = score(view, peer, today, self.memory.weights.get(view.agency_id, DEFAULT_WEIGHTS))
        return scored if relevant(scored.breakdown["job"]) else None

    async def _enter(self, held: SuggestionList, document: Document, scored: Scored) -> None:
        """The peer takes its place in the stored list without ranking everyone again (everyone is ranked
        again if the list changed since it was read)."""
        addressee = Addressee(document["agency_id"], document["counsellor_id"])
        try:
            await self._write(held, Enter(scored, addressee), Actor.SYSTEM)
        except (ConcurrentUpdate, TakenByAnother):
            await self.refresh(held.beneficiary_id)

    async def refresh_holders(self, peer_id: str) -> None:
        """The lists showing this peer rank again (it changed, filled up, paused or left)."""
        holders = sorted(self.memory.holders.get(peer_id, set()))
        if holders:
            await self.caught_up()
        for beneficiary_id in holders:
            await self.refresh(beneficiary_id, caught_up=True)


def _addressee(document: Document | None) -> Addressee | None:
    """Whom the offers of a beneficiary's list name; None once the beneficiary is erased (no offers)."""
    if document is None or "agency_id" not in document:
        return None
    return Addressee(document["agency_id"], document.get("counsellor_id", ""))


async def _at_once() -> None:
    return None
