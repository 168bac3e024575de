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
    redelivered and late events change nothing. The update is conditional on an older version (atomic:
    two instances applying two versions at once keep the newer); a first version is an insert, and an
    insert that finds the document there (another instance inserted it meanwhile) tries the update again."""
    older = {"_id": aggregate_id, "$or": [{"version": {"$lt": version}}, {"version": {"$exists": False}}]}
    for _ in range(2):
        if (await collection.update_one(older, {"$set": {**fields, "version": version}})).matched_count:
            return True
        try:
            await collection.insert_one({"_id": aggregate_id, **fields, "version": version})
            return True
        except DuplicateKeyError:
            continue  # there already: newer (the update will not match again), or older and updated now
    return False
