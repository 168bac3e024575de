"""Push records (`live_pushes`): one small aggregate per push, whose outbox carries the
`notifications.delivery.created` event every instance reads to reach its browsers. Not the inbox entry's
own outbox: that would make every entry an aggregate the relay watches. Once published, a record only waits
for its TTL index (`indexes.PUSH_KEPT_SECONDS`)."""

from __future__ import annotations

import contextlib
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter

PUSHES = "live_pushes"
TOPIC = "notifications.delivery"


class Pushes:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.pushes = database[PUSHES]
        self.outbox = outbox

    async def record(self, sequence: str, now: datetime, events: list[Envelope]) -> None:
        """Once per entry's sequence (an entry, or a grouped one each time it grows): a push recorded before
        (and not yet marked on its entry) is not recorded again."""
        with contextlib.suppress(DuplicateKeyError):
            await self.outbox.insert(self.pushes, {"_id": sequence, "created_at": now}, [(e, TOPIC) for e in events])
