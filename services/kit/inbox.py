"""The inbox: which events a consumer already applied, so that a redelivered event is applied once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.contracts.envelope import Envelope
from services.kit.mongo import Document, IndexDeclarations

INBOX_COLLECTION = "inbox"


class Inbox:
    """One document per (consumer, event), whose _id is both: the _id index keeps them unique and answers
    the lookups. A TTL index forgets them once the topics no longer hold the event (see `indexes`)."""

    def __init__(self, database: AsyncDatabase[Document], consumer: str) -> None:
        self.collection = database[INBOX_COLLECTION]
        self.consumer = consumer

    def _id(self, event_id: str) -> str:
        return f"{self.consumer}/{event_id}"

    @staticmethod
    def indexes(retention_days: float) -> IndexDeclarations:
        expiry = IndexModel("processed_at", expireAfterSeconds=int(retention_days * 86400), name="forget_after")
        return {INBOX_COLLECTION: [expiry]}

    async def already_processed(self, event_ids: Iterable[str]) -> set[str]:
        ids = {self._id(i): i for i in event_ids}
        found = self.collection.find({"_id": {"$in": list(ids)}}, {"_id": 1})
        return {ids[document["_id"]] async for document in found}

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
