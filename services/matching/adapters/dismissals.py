"""Dismissals: a counsellor's decision that a peer is never suggested to a beneficiary again, one
document per pair (by `_id`), read by beneficiary with the suggestions."""

from __future__ import annotations

from collections.abc import AsyncIterator

from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.matching.adapters.indexes import DISMISSALS


class Dismissals:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database[DISMISSALS]

    async def add(self, beneficiary_id: str, peer_id: str, staff_id: str) -> None:
        pair = f"{beneficiary_id}/{peer_id}"
        await self.collection.replace_one(
            {"_id": pair},
            {"_id": pair, "beneficiary_id": beneficiary_id, "peer_id": peer_id, "by": staff_id},
            upsert=True,
        )

    async def of_beneficiary(self, beneficiary_id: str) -> list[str]:
        """The peers dismissed for a beneficiary (by their index: a few)."""
        found = self.collection.find({"beneficiary_id": beneficiary_id}, {"peer_id": 1})
        return [str(d["peer_id"]) async for d in found]

    async def each(self) -> AsyncIterator[tuple[str, str]]:
        """Every dismissed (beneficiary, peer) pair (the memory's start-up)."""
        async for d in self.collection.find({}):
            yield d["beneficiary_id"], d["peer_id"]
