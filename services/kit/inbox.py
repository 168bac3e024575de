"""The inbox: which events a consumer already applied, so that a redelivered event is applied once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.contracts.envelope import Envelope
from services.kit.mongo import Document

INBOX_COLLECTION = "inbox"


class Inbox:
    def __init__(self, database: AsyncDatabase[Document], consumer: str) -> None:
        self.collection = database[INBOX_COLLECTION]
        self.consumer = consumer

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("consumer", ASCENDING), ("event_id", ASCENDING)], unique=True, name="consumer_event_unique"
        )

    async def already_processed(self, event_ids: Iterable[str]) -> set[str]:
        ids = list(event_ids)
        if not ids:
            return set()
        cursor = self.collection.find({"consumer": self.consumer, "event_id": {"$in": ids}}, {"event_id": 1})
        return {document["event_id"] async for document in cursor}

    async def record(self, envelopes: Iterable[Envelope]) -> None:
        now = datetime.now(UTC)
        documents = [
            {
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
