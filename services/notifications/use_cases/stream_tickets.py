"""Live-stream tickets: one is issued to a signed-in staff member, and opens their stream once."""

from __future__ import annotations

from datetime import UTC, datetime

from services.kit.identity import Caller
from services.notifications.adapters.stream_tickets import UsedStreamTickets
from services.notifications.domain import stream_ticket
from services.notifications.domain.stream_ticket import InvalidTicket, StreamTicket


class StreamTickets:
    def __init__(self, link_signing_key: str, used: UsedStreamTickets) -> None:
        self.key, self.used = stream_ticket.ticket_key(link_signing_key), used

    def issue(self, caller: Caller) -> tuple[str, int]:
        """The ticket and how many seconds are left to open the stream with it."""
        token, _ = stream_ticket.issue(self.key, caller.staff_id, caller.expires_at, datetime.now(UTC))
        return token, int(stream_ticket.OPENING_WINDOW.total_seconds())

    async def open(self, token: str) -> StreamTicket:
        ticket = stream_ticket.read(self.key, token, datetime.now(UTC))
        if not await self.used.use(ticket.nonce, ticket.expires_at):
            raise InvalidTicket("Ce ticket de flux a déjà servi : demandez-en un autre (POST /stream-tickets).")
        return ticket
