"""A peer's bookings and reliability in this instance's memory, counted again from their introductions
(one indexed read of a small set) by the instance that made a step and, on its event, by every instance:
nothing is incremented, so nothing is lost or counted twice when two instances change one peer at once.
The lists showing a peer follow its bookings: it leaves them when full, enters others when a slot frees."""

from __future__ import annotations

import logging

from services.matching.adapters.introductions import Introductions
from services.matching.domain.peer_record import record_of
from services.matching.memory import Memory
from services.matching.use_cases.rematching import Rematcher

log = logging.getLogger(__name__)


class PeerRecords:
    def __init__(self, introductions: Introductions, memory: Memory, rematcher: Rematcher) -> None:
        self.introductions = introductions
        self.memory = memory
        self.rematcher = rematcher

    async def follow(self, peer_id: str) -> None:
        """Count the peer's bookings and reliability again from their introductions, into the memory."""
        ticket = self.memory.count_ticket()
        history = await self.introductions.history(peer_id)
        self.memory.set_record(peer_id, record_of(history), ticket)

    async def follow_behind(self, peer_ids: list[str], month: str) -> bool:
        """Whether this instance's memory was behind the database on the bookings of these peers (another
        instance booked them a moment ago, its event is on its way): it follows them now. One read."""
        booked = await self.introductions.booked(peer_ids, month)
        behind = [p for p in peer_ids if booked[p] != self.memory.load_of(p, month).booked]
        for peer_id in behind:
            await self.follow(peer_id)
        return bool(behind)

    async def booking(self, peer_id: str, month: str, change: int) -> None:
        """A slot taken or given back: the lists showing the peer rank again when it fills or frees up."""
        await self.follow(peer_id)
        peer = self.memory.peer(peer_id)
        if peer is None:
            return
        try:  # the introduction is written: a list that fails to follow must not undo the answer to the caller
            if self.memory.load_of(peer_id, month).booked >= peer.capacity_per_month:
                await self.rematcher.refresh_holders(peer_id)
            elif change < 0:
                await self.rematcher.reverse(peer)
        except Exception:
            log.exception("the lists of peer %s did not follow its booking; the next change of them will", peer_id)
