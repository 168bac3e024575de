"""The database engine's smoke check: what the platform relies on, tried once against a running server.

FerretDB v2 and the DocumentDB extension are versioned apart (the gateway was built for its own fork of
the extension) and Debian's testing suite moves, so `infra.sh up` runs this after every start and stops
the engine with a clear message when one of these fails, instead of letting a service find out later.

usage: python -m services.kit.engine_check mongodb://127.0.0.1:27017"""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from services.kit.mongo import Document

Check = Callable[[AsyncDatabase[Document]], Awaitable[None]]


async def compare_and_set(db: AsyncDatabase[Document]) -> None:
    """Every aggregate update is a compare-and-set on its version: concurrent writers must not both win."""
    await db.cas.insert_one({"_id": "a", "version": 1, "n": 0})
    results = await asyncio.gather(
        *(db.cas.update_one({"_id": "a", "version": 1}, {"$inc": {"version": 1, "n": 1}}) for _ in range(8))
    )
    wins = sum(r.modified_count for r in results)
    document = await db.cas.find_one({"_id": "a"})
    assert wins == 1 and document == {"_id": "a", "version": 2, "n": 1}, f"{wins} writers won: {document}"


async def unique_index(db: AsyncDatabase[Document]) -> None:
    await db.unique.create_index("email", unique=True, name="email_unique")
    await db.unique.insert_one({"_id": 1, "email": "a"})
    for attempt in (
        db.unique.insert_one({"_id": 2, "email": "a"}),
        db.unique.update_one({"_id": 3}, {"$set": {"email": "a"}}, upsert=True),
    ):
        try:
            await attempt
        except DuplicateKeyError:
            continue
        raise AssertionError("a duplicate key was accepted")


async def id_index_walked_in_order(db: AsyncDatabase[Document]) -> None:
    """Lists page newest first by `_id` (`kit.pagination`): with a range on `_id` the engine must walk the
    `_id` index in order and stop at the limit, not gather every match and sort it."""
    await db.listing.insert_many([{"_id": f"{i:05d}", "agency_id": "xy"[i % 2]} for i in range(2000)])
    query = {"agency_id": "x", "_id": {"$lt": "00041"}}
    cursor = db.listing.find(query).sort("_id", -1).limit(5)
    page = [d["_id"] for d in await cursor.to_list()]
    assert page == ["00040", "00038", "00036", "00034", "00032"], f"wrong page: {page}"
    plan = await db.command("explain", {"find": "listing", "filter": query, "sort": {"_id": -1}, "limit": 5})
    nodes = re.findall(r"'Node Type': '([^']+)'", str(plan))
    assert "Index Scan" in nodes and "Sort" not in nodes, f"the _id index was not walked in order: {nodes}"


async def ttl_index(db: AsyncDatabase[Document]) -> None:
    await db.ttl.create_index("expires_at", expireAfterSeconds=0, name="expiry")
    info = await db.ttl.index_information()
    assert info["expiry"].get("expireAfterSeconds") == 0, f"the TTL option was lost: {info}"


async def bulk_and_pull(db: AsyncDatabase[Document]) -> None:
    """The relay removes what it published with $pullAll of whole entries, many in one bulk write."""
    entry = {"event_id": "e1", "topic": "t", "headers": {"h": "v"}}
    await db.outbox.insert_many([{"_id": i, "outbox": [entry, {**entry, "event_id": "e2"}]} for i in range(3)])
    result = await db.outbox.bulk_write(
        [UpdateOne({"_id": i}, {"$pullAll": {"outbox": [entry]}}) for i in range(3)], ordered=False
    )
    assert result.modified_count == 3
    left = await db.outbox.find_one({"_id": 0})
    assert left is not None and [e["event_id"] for e in left["outbox"]] == ["e2"], left
    await db.outbox.update_one({"_id": 1}, {"$set": {"outbox": []}})
    cleared = await db.outbox.update_many({"outbox": {"$size": 0}}, {"$unset": {"since": ""}})
    assert cleared.matched_count == 1, "$size: 0 did not match exactly the emptied outbox"


async def atomic_upsert(db: AsyncDatabase[Document]) -> None:
    """Leases are taken by one conditional upsert (update_one): of racing takers, one wins, the others get
    11000. (find_one_and_update answers the same race with code 1 here: the platform does not use it so.)"""
    now = datetime.now(UTC)

    async def take(owner: str) -> bool:
        try:
            await db.lease.update_one(
                {"_id": "job", "$or": [{"owner": owner}, {"until": {"$lt": now}}]},
                {"$set": {"owner": owner, "until": now.replace(year=now.year + 1)}},
                upsert=True,
            )
            return True
        except DuplicateKeyError:
            return False

    won = await asyncio.gather(*(take(f"o{i}") for i in range(6)))
    assert sum(won) == 1, f"{sum(won)} owners took one lease"


CHECKS: dict[str, Check] = {
    "compare-and-set on a version": compare_and_set,
    "unique index (code 11000)": unique_index,
    "the _id index walked in order by a ranged, sorted query": id_index_walked_in_order,
    "TTL index": ttl_index,
    "bulk $pullAll of embedded documents": bulk_and_pull,
    "lease by conditional upsert": atomic_upsert,
}


async def run(uri: str) -> list[str]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(uri, serverSelectionTimeoutMS=10_000, tz_aware=True)
    database = client[f"engine_check_{uuid.uuid4().hex[:8]}"]
    failures = []
    try:
        for name, check in CHECKS.items():
            try:
                await check(database)
            except (AssertionError, OperationFailure) as error:
                failures.append(f"{name}: {error}")
    finally:
        await client.drop_database(database.name)
        await client.close()
    return failures


def main() -> None:
    failures = asyncio.run(run(sys.argv[1]))
    for failure in failures:
        print(f"[engine-check] FAILED {failure}", file=sys.stderr)
    if failures:
        print(
            "[engine-check] the gateway (FerretDB) and the extension (DocumentDB) disagree on what the platform "
            "uses; pin another DOCUMENTDB_SUITE (sid) or FERRETDB_VERSION in deploy/local/settings.sh",
            file=sys.stderr,
        )
        sys.exit(1)
    print(f"[engine-check] {len(CHECKS)} checks passed", file=sys.stderr)


if __name__ == "__main__":
    main()
