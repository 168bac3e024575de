"""Projections: a service's own copy of what another service owns, kept from its events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.kit.mongo import Document


async def apply_if_newer(
    collection: AsyncCollection[Document], aggregate_id: str, version: int, fields: dict[str, Any]
) -> bool:
    """Store `fields` for the aggregate unless the projection already holds this version or a newer one:
    redelivered and late events change nothing. One conditional update (atomic: two instances applying
    two versions at once keep the newer), or an insert when the aggregate is new here."""
    older = {"_id": aggregate_id, "$or": [{"version": {"$lt": version}}, {"version": {"$exists": False}}]}
    if (await collection.update_one(older, {"$set": {**fields, "version": version}})).matched_count:
        return True
    try:
        await collection.insert_one({"_id": aggregate_id, **fields, "version": version})
        return True
    except DuplicateKeyError:
        return False  # it holds this version or a newer one
