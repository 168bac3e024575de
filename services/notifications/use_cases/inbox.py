"""Staff members' inboxes: an entry delivered (stored once per event and person, pushed live once; a
suggestion gathered into its group of the day, pushed again as it grows), the list, what a reconnecting
browser missed, the unread count, reading. Each change of an entry is decided by `domain.inbox_entry.decide`."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notifications.adapters.inbox import InboxEntries
from services.notifications.adapters.pushes import Pushes
from services.notifications.domain.inbox_entry import DISPATCHER, InboxEntry, MarkRead, NotYours, Push, decide, owner


class Inbox:
    def __init__(self, entries: InboxEntries, pushes: Pushes) -> None:
        self.entries = entries
        self.pushes = pushes

    async def deliver(self, entry: InboxEntry, *, push: bool) -> None:
        """Stored, then pushed if `push`. An event delivered before finds the entry of then: pushed now if
        it was not yet."""
        await self._push(await self.entries.store(entry), push)

    async def gather(self, entry: InboxEntry, *, push: bool) -> None:
        """A suggestion added to its group (one per counsellor, beneficiary and day), which is unread and
        pushed again when it grew; a redelivered event finds its peer there and pushes only what was not."""
        group, _ = await self.entries.gather(entry)
        await self._push(group, push)

    async def _push(self, stored: InboxEntry, push: bool) -> None:
        """The push record, keyed by the entry's sequence (once per entry, or per growth of a group), is
        written before the entry says so: after a crash between the two, the redelivered event finds the
        record and writes no second one."""
        if not push or stored.pushed:
            return
        now = datetime.now(UTC)
        pushed, events = decide(stored, Push(), DISPATCHER, now)
        await self.pushes.record(stored.resumes_at, now, events)
        await self.entries.save(stored, pushed)

    async def page(self, staff_id: str, *, unread_only: bool, after: str | None, limit: int) -> list[InboxEntry]:
        return await self.entries.page(staff_id, unread_only=unread_only, after=after, limit=limit)

    async def missed(self, staff_id: str, last_seen: str, limit: int) -> list[InboxEntry]:
        """The entries stored after the last one a browser saw, oldest first."""
        return await self.entries.stored_after(staff_id, last_seen, limit)

    async def unread_count(self, staff_id: str) -> int:
        return await self.entries.unread_count(staff_id)

    async def mark_read(self, staff_id: str, entry_id: str) -> InboxEntry | None:
        """The entry, now read; None if it is not this person's."""
        entry = await self.entries.get(entry_id)
        if entry is None:
            return None
        try:
            read, _ = decide(entry, MarkRead(), owner(staff_id), datetime.now(UTC))
        except NotYours:
            return None
        await self.entries.save(entry, read)
        return read

    async def mark_all_read(self, staff_id: str) -> int:
        return await self.entries.mark_all_read(staff_id)
