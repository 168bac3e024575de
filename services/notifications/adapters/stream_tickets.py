"""The live-stream tickets already used, kept until they would have expired anyway (TTL index): a
ticket opens one stream, on whichever instance."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.kit.mongo import Document

USED_STREAM_TICKETS = "used_stream_tickets"


class UsedStreamTickets:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database[USED_STREAM_TICKETS]

    async def use(self, nonce: str, expires_at: datetime) -> bool:
        """True the first time a ticket is used, False ever after."""
        try:
            await self.collection.insert_one({"_id": nonce, "expires_at": expires_at})
        except DuplicateKeyError:
            return False
        return True
