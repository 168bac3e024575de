"""The inbox: which events a consumer already applied, so that a redelivered event is applied once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.contracts.envelope import Envelope
from services.kit.mongo import Document

INBOX_COLLECTION = "inbox"


class Inbox:
    """One document per (consumer, event), whose _id is both: its uniqueness is the _id index, and each
    lookup is by _id alone, which FerretDB v1 answers from the index (any other filter scans)."""

    def __init__(self, database: AsyncDatabase[Document], consumer: str) -> None:
        self.collection = database[INBOX_COLLECTION]
        self.consumer = consumer

    def _id(self, event_id: str) -> str:
        return f"{self.consumer}/{event_id}"

    async def already_processed(self, event_ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(event_ids))
        found = await asyncio.gather(*(self.collection.find_one({"_id": self._id(i)}, {"_id": 1}) for i in ids))
        return {event_id for event_id, document in zip(ids, found, strict=True) if document is not None}

    async def record(self, envelopes: Iterable[Envelope]) -> None:
        now = datetime.now(UTC)
        documents = [
            {
                "_id": self._id(e.event_id),
                "consumer": self.consumer,
                "event_id": e.event_id,
                "event_type": e.event_type,
                "aggregate_id": e.aggregate_id,
                "processed_at": now,
            }
            for e in envelopes
        ]
        if not documents:
            return
        try:
            await self.collection.insert_many(documents, ordered=False)
        except (BulkWriteError, DuplicateKeyError) as error:
            # Another instance recorded some of them first: the unique index keeps one record each.
            details = getattr(error, "details", None) or {}
            if any(e.get("code") != 11000 for e in details.get("writeErrors", [])):
                raise
