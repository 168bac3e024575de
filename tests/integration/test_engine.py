"""What the platform relies on from the database engine, on the real one: the smoke check that runs at
every start passes, pending outboxes are found through their index, and TTL indexes really purge."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from services.contracts.envelope import Envelope
from services.kit import engine_check
from services.kit.inbox import INBOX_COLLECTION, Inbox
from services.kit.mongo import connect, create_indexes
from services.kit.outbox import PENDING, PENDING_INDEX
from tests.conftest import Servers
from tests.integration.support import settings_for, wait_until

pytestmark = pytest.mark.integration


async def test_the_engine_passes_the_start_up_smoke_check(servers: Servers) -> None:
    assert await engine_check.run(servers.mongodb_uri) == []


async def test_the_relay_finds_pending_outboxes_through_their_index_not_by_reading_the_collection(
    servers: Servers,
) -> None:
    settings = settings_for(servers, "pending")
    client, db = connect(settings)
    try:
        await create_indexes(db, {"aggregates": [PENDING_INDEX]})
        await db.aggregates.insert_many([{"_id": str(i), "version": 1} for i in range(2000)])
        await db.aggregates.update_one({"_id": "7"}, {"$set": {"outbox_since": datetime.now(UTC)}})
        assert [d["_id"] async for d in db.aggregates.find(PENDING)] == ["7"]
        plan = await db.command("explain", {"find": "aggregates", "filter": PENDING, "sort": {"outbox_since": 1}})
        assert "outbox_pending" in json.dumps(plan, default=str), "the pending index serves the relay's query"
    finally:
        await client.drop_database(settings.database_name)
        await client.close()


async def test_a_ttl_index_purges_what_expired(servers: Servers) -> None:
    """The processed-events inbox forgets after its retention: here one second, so the engine's TTL job
    (every few seconds in the test servers) must remove the record, and only the expired one."""
    settings = settings_for(servers, "ttl")
    client, db = connect(settings)
    try:
        await create_indexes(db, Inbox.indexes(retention_days=1 / 86400))
        inbox = Inbox(db, consumer="ttl-test")
        event = Envelope(
            event_type="test.happened", aggregate_type="t", aggregate_id="a", aggregate_version=1, producer="test"
        )
        await inbox.record([event])
        kept = f"kept-{uuid.uuid4()}"
        await db[INBOX_COLLECTION].insert_one({"_id": kept, "note": "no processed_at: never expires"})
        assert await inbox.already_processed([event.event_id]) == {event.event_id}

        async def purged() -> bool:
            return not await inbox.already_processed([event.event_id])

        await wait_until(purged, timeout=90, what="the TTL job to purge the expired inbox record")
        assert await db[INBOX_COLLECTION].find_one({"_id": kept}) is not None
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
