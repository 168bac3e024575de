"""Leases: which instance of a service does a thing that must happen in one place at a time (publish the
outboxes, run a periodic job). A lease is one document per name, taken or renewed by one conditional
upsert: the filter matches only when the caller owns it or it has expired, so of racing takers one
updates or inserts and the others hit the `_id` index (code 11000). The holder renews it; a holder that
dies lets it expire and another instance takes it over."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.kit.mongo import Document

LEASES = "leases"

log = logging.getLogger(__name__)


class Lease:
    def __init__(self, collection: AsyncCollection[Document], name: str, owner: str, seconds: float) -> None:
        self.collection = collection
        self.name = name
        self.owner = owner
        self.duration = timedelta(seconds=seconds)
        self._until = datetime.min.replace(tzinfo=UTC)
        self._held = False

    async def holds(self) -> bool:
        """True when this owner holds the lease (taking or renewing it if need be). While more than half
        of the lease is left, no round trip: nobody else can take it before it expires."""
        now = datetime.now(UTC)
        if self._until - now > self.duration / 2:
            return True
        until = now + self.duration
        try:
            await self.collection.update_one(
                {"_id": self.name, "$or": [{"owner": self.owner}, {"until": {"$lte": now}}]},
                {"$set": {"owner": self.owner, "until": until}},
                upsert=True,
            )
        except DuplicateKeyError:
            if self._held:
                log.info("%s lost the lease %s", self.owner, self.name)
            self._held, self._until = False, datetime.min.replace(tzinfo=UTC)
            return False
        if not self._held:
            log.info("%s holds the lease %s", self.owner, self.name)
        self._held, self._until = True, until
        return True

    async def release(self) -> None:
        """On a clean stop: another instance may take over at once instead of waiting for the expiry."""
        if self._held:
            await self.collection.delete_one({"_id": self.name, "owner": self.owner})
            self._held, self._until = False, datetime.min.replace(tzinfo=UTC)
