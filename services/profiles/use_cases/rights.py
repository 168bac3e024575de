"""Personal data rights: export everything held about a person, erase it (here, and everywhere through the
erasure event), and the consent expiry job (peers whose consent ran out are withdrawn, beneficiaries leave
matching)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from services.contracts.events.profiles import WithdrawalReason
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.adapters.peers import Peers
from services.profiles.domain import beneficiary_lifecycle, peer_lifecycle
from services.profiles.domain.access import Actor
from services.profiles.domain.peer import Peer
from services.profiles.use_cases.errors import Clock, Conflict, NotFound, utc_now


class RightsService:
    def __init__(self, peers: Peers, beneficiaries: Beneficiaries, clock: Clock = utc_now) -> None:
        self.peers, self.beneficiaries, self.clock = peers, beneficiaries, clock

    async def export_beneficiary(self, beneficiary_id: str, agency_id: str) -> tuple[Document, list[Document]]:
        """The beneficiary's document and those of the peer profiles they became."""
        document = await self.beneficiaries.export(beneficiary_id, agency_id)
        if document is None:
            raise NotFound(
                "Ce bénéficiaire n'existe pas ou ne fait pas partie de votre agence.", code="beneficiary_not_found"
            )
        return document, await self.peers.exports_of_former_beneficiary(beneficiary_id)

    async def export_peer(self, peer_id: str, agency_id: str) -> Document:
        document = await self.peers.export(peer_id, agency_id)
        if document is None:
            raise NotFound("Ce pair n'existe pas ou n'est pas visible par votre agence.", code="peer_not_found")
        return document

    async def erase_beneficiary(self, beneficiary_id: str, agency_id: str) -> None:
        """The beneficiary, and first the peer profile they became."""
        beneficiary = await self.beneficiaries.get(beneficiary_id, agency_id)
        if beneficiary is None:
            raise NotFound(
                "Ce bénéficiaire n'existe pas ou ne fait pas partie de votre agence.", code="beneficiary_not_found"
            )
        for peer in await self.peers.of_former_beneficiary(beneficiary_id):
            await self._erase_peer(peer)
        erased, events = beneficiary_lifecycle.decide(
            beneficiary, beneficiary_lifecycle.Erase(), Actor.AGENCY_STAFF, self.clock()
        )
        with _changed_meanwhile():
            await self.beneficiaries.save(erased, events)

    async def erase_peer(self, peer_id: str, agency_id: str) -> None:
        peer = await self.peers.get(peer_id)
        if peer is None or peer.agency_id != agency_id:
            raise NotFound("Ce pair n'existe pas ou n'est pas visible par votre agence.", code="peer_not_found")
        await self._erase_peer(peer)

    async def expire_consents(self, now: datetime | None = None) -> dict[str, int]:
        """Peers whose consent ran out by `now` are withdrawn; beneficiaries leave matching. Idempotent."""
        now = now or self.clock()
        withdrawn = left_matching = 0
        for peer in await self.peers.consents_expired(now):
            command = peer_lifecycle.Withdraw(WithdrawalReason.CONSENT_EXPIRED)
            gone, events = peer_lifecycle.decide(peer, command, Actor.PLATFORM, now)
            await self.peers.save(gone, events)
            withdrawn += 1
        for beneficiary in await self.beneficiaries.matching_consents_expired(now):
            unmatched, changes = beneficiary_lifecycle.decide(
                beneficiary, beneficiary_lifecycle.LeaveMatching(), Actor.PLATFORM, now
            )
            await self.beneficiaries.save(unmatched, changes)
            left_matching += 1
        return {"peers_withdrawn": withdrawn, "beneficiaries_left_matching": left_matching}

    async def _erase_peer(self, peer: Peer) -> None:
        erased, events = peer_lifecycle.decide(peer, peer_lifecycle.Erase(), Actor.AGENCY_STAFF, self.clock())
        with _changed_meanwhile():
            await self.peers.save(erased, events)


@contextmanager
def _changed_meanwhile() -> Iterator[None]:
    """An erasure that meets a concurrent change is refused, for the caller to try again."""
    try:
        yield
    except ConcurrentUpdate as error:
        raise Conflict("Ce dossier a changé entre-temps : recommencez.", code="concurrent_update") from error
