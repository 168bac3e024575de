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
    redelivered and late events change nothing. Reads and writes by _id alone, the one filter FerretDB
    v1 serves from an index; safe because one consumer of a group owns each key's partition."""
    current = await collection.find_one({"_id": aggregate_id}, {"version": 1})
    if current is None:
        try:
            await collection.insert_one({"_id": aggregate_id, **fields, "version": version})
            return True
        except DuplicateKeyError:
            current = await collection.find_one({"_id": aggregate_id}, {"version": 1})
            if current is None:
                raise
    if current["version"] >= version:
        return False
    await collection.update_one({"_id": aggregate_id}, {"$set": {**fields, "version": version}})
    return True
