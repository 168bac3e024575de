"""Suggestion lists in matching's database: one document per beneficiary (its `_id`), written with its
events (outbox) by a compare-and-set on its version; a first list by an insert (TakenByAnother when
another writer came first)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.matching.adapters.indexes import LISTS
from services.matching.domain.suggestion_list import SuggestionList

TOPIC = "matching.suggestion"


def state_of(suggestions: SuggestionList) -> Document:
    return {
        "peers": list(suggestions.peers),
        "scores": list(suggestions.scores),
        "threshold": suggestions.threshold,
        "agency_id": suggestions.agency_id,
    }


def from_document(d: Document) -> SuggestionList:
    return SuggestionList(
        d["_id"],
        d.get("agency_id"),
        tuple(d.get("peers", ())),
        tuple(d.get("scores", ())),
        d.get("threshold", 0.0),
        d["version"],
    )


class SuggestionLists:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[LISTS]
        self.outbox = outbox

    async def load(self, beneficiary_id: str) -> SuggestionList:
        """The stored list, or a new empty one (version 0)."""
        document = await self.collection.find_one({"_id": beneficiary_id}, {"outbox": 0})
        return SuggestionList(beneficiary_id) if document is None else from_document(document)

    async def load_many(self, beneficiary_ids: Sequence[str]) -> dict[str, SuggestionList]:
        """The stored lists of the named beneficiaries in one read (a new empty one for those without)."""
        found = self.collection.find({"_id": {"$in": list(beneficiary_ids)}}, {"outbox": 0})
        stored = {d["_id"]: from_document(d) async for d in found}
        return {b: stored.get(b) or SuggestionList(b) for b in beneficiary_ids}

    async def save(self, after: SuggestionList, events: Sequence[Envelope]) -> None:
        """The list at its new version with its events, if nobody wrote it since it was read: raises
        ConcurrentUpdate (TakenByAnother for a first list) otherwise."""
        stamped = [(e, TOPIC) for e in events]
        if after.version == 1:
            await self.outbox.insert(self.collection, {"_id": after.beneficiary_id, **state_of(after)}, stamped)
        else:
            await self.outbox.update(self.collection, after.beneficiary_id, after.version - 1, state_of(after), stamped)

    async def each(self) -> AsyncIterator[SuggestionList]:
        """Every list (the memory's start-up)."""
        async for d in self.collection.find({}, {"peers": 1, "threshold": 1, "version": 1}):
            yield from_document(d)
