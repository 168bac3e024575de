"""Staff members' inboxes: every read and write of an entry, the unread count included, is here.

An entry's `_id` is time-ordered (`new_id`, made when it is stored), so one index serves the list (newest
first, by the cursor of `services.kit.pagination`), the live stream's resumption (`Last-Event-ID` is the
last `_id` a browser saw: it gets the entries after it) and the order entries were stored in. Its `key`
(the event and the person) is unique: a redelivered event finds the entry it made."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.kit.mongo import Document
from services.kit.pagination import newest_page

INBOX = "staff_inbox"  # not "inbox": the kit keeps the processed events there


class StaffInbox:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.entries = database[INBOX]

    async def store(self, entry: Document) -> Document:
        """The entry, stored once per `key`: as it was stored the first time when its event comes again."""
        try:
            await self.entries.insert_one(entry)
        except DuplicateKeyError:
            stored = await self.entries.find_one({"key": entry["key"]})
            if stored is not None:
                return stored
            raise
        return entry

    async def pushed(self, notification_id: str) -> None:
        await self.entries.update_one({"_id": notification_id}, {"$set": {"pushed": True}})

    async def page(self, staff_id: str, *, unread_only: bool, after: str | None, limit: int) -> list[Document]:
        """Newest first, after the cursor: the `_id` index walked in order, stopping at the limit."""
        query: Document = {"staff_id": staff_id}
        if unread_only:
            query["read"] = False
        return await newest_page(self.entries, query, after, limit)

    async def stored_after(self, staff_id: str, last_seen: str, limit: int) -> list[Document]:
        """What a reconnecting browser missed: the entries stored after the last one it saw, oldest first."""
        query = {"staff_id": staff_id, "_id": {"$gt": last_seen}}
        return await self.entries.find(query).sort("_id", 1).limit(limit).to_list()

    async def unread_count(self, staff_id: str) -> int:
        """Counted by the `{staff_id, read}` index. Measured against the per-person list of unread ids it
        replaced, for one person with 20,000 entries (make bench-notifications): 5.6 ms against 9.5 ms when
        all are unread, 1.0 ms against 0.9 ms when 50 are; and there is no second document to keep in step."""
        return await self.entries.count_documents({"staff_id": staff_id, "read": False})

    async def mark_read(self, staff_id: str, notification_id: str) -> Document | None:
        """The entry, now read; None if it is not this person's."""
        found = await self.entries.find_one({"_id": notification_id, "staff_id": staff_id})
        if found is None:
            return None
        await self.entries.update_one({"_id": notification_id}, {"$set": {"read": True}})
        return {**found, "read": True}

    async def mark_all_read(self, staff_id: str) -> int:
        result = await self.entries.update_many({"staff_id": staff_id, "read": False}, {"$set": {"read": True}})
        return result.modified_count
