"""What a counsellor asks of the suggestions: a beneficiary's peers, best first with reasons, ranked
from this instance's memory; and dismissing one of them for good (the list refills without them)."""

from __future__ import annotations

from services.kit.mongo import Document
from services.matching.adapters.dismissals import Dismissals
from services.matching.adapters.projections import Projections, peer_view
from services.matching.domain.card import SuggestionCard, card
from services.matching.domain.model import BeneficiaryView
from services.matching.domain.ranking import rank
from services.matching.domain.score import Scored, visible
from services.matching.memory import Memory
from services.matching.use_cases.peer_records import PeerRecords
from services.matching.use_cases.rematching import Dismissal, Rematcher


class UnknownPeer(LookupError):
    """No such peer for this beneficiary: unknown, withdrawn, erased, or not visible to their agency."""


class SuggestionService:
    def __init__(
        self,
        projections: Projections,
        dismissals: Dismissals,
        memory: Memory,
        rematcher: Rematcher,
        records: PeerRecords,
    ) -> None:
        self.projections = projections
        self.dismissals = dismissals
        self.memory = memory
        self.rematcher = rematcher
        self.records = records

    async def beneficiary(self, beneficiary_id: str) -> Document | None:
        """The beneficiary's project as matching holds it (None when unknown or erased)."""
        return await self.projections.beneficiary(beneficiary_id)

    def view(self, document: Document) -> BeneficiaryView:
        return self.rematcher.view(document)

    async def ranked(self, document: Document, limit: int) -> list[Scored]:
        """What another instance did a moment ago may not have reached this one's memory yet: the
        beneficiary's dismissals and the bookings of the peers about to be shown are read from the database."""
        beneficiary_id = document["_id"]
        for peer_id in await self.dismissals.of_beneficiary(beneficiary_id):
            self.memory.dismiss(beneficiary_id, peer_id)
        beneficiary = self.view(document)
        today = self.rematcher.today()
        ranked = self._ranked(beneficiary, today, limit)
        if ranked and await self.records.follow_behind([s.peer_id for s in ranked], today):
            ranked = self._ranked(beneficiary, today, limit)
        return ranked

    async def cards(self, document: Document, limit: int) -> list[SuggestionCard]:
        """The ranked peers as their cards show them: town, distance, meeting modes."""
        beneficiary = self.view(document)
        return [card(s, beneficiary, self.memory.peer(s.peer_id)) for s in await self.ranked(document, limit)]

    def _ranked(self, beneficiary: BeneficiaryView, today: str, limit: int) -> list[Scored]:
        context = self.memory.context(beneficiary, today)
        return rank(beneficiary, self.memory.peers.pool(beneficiary, context, limit), context, limit)

    async def dismiss(self, document: Document, peer_id: str, staff_id: str) -> None:
        """The counsellor's decision, kept; the list, written with the dismissal's event, refills without the
        peer. Only a peer the beneficiary's agency may see can be dismissed: any other id is refused, and
        nothing is kept or announced."""
        card = await self.projections.peer(peer_id)
        if card is None or not card.get("active") or not visible(self.view(document), peer_view(card)):
            raise UnknownPeer(peer_id)
        beneficiary_id = document["_id"]
        await self.dismissals.add(beneficiary_id, peer_id, staff_id)
        self.memory.dismiss(beneficiary_id, peer_id)
        await self.rematcher.refresh(beneficiary_id, dismissal=Dismissal(peer_id, staff_id, document["agency_id"]))
