"""The dashboard's counts on the real database: a step counts once however often its event comes, an
assessment given again moves to its new conclusion, a hiring taken back leaves, and a recount mends a
bucket left wrong by a crash between adding to it and marking the step."""

from __future__ import annotations

import uuid

import pytest

from services.console.adapters.funnel import FunnelCounts, bucket_of
from services.console.domain.funnel import Fact, Stage
from services.kit.mongo import connect
from tests.conftest import Servers
from tests.integration.support import settings_for

pytestmark = pytest.mark.integration


async def test_each_step_counts_once_moves_when_it_changes_and_a_recount_mends_a_crash(servers: Servers) -> None:
    settings = settings_for(servers, f"funnel_{uuid.uuid4().hex[:6]}")
    client, database = connect(settings)
    store = FunnelCounts(database)
    agency = str(uuid.uuid4())

    async def counts() -> dict[tuple[str, str], int]:
        return {(b["month"], b["stage"]): b["count"] for b in await store.counted([agency], None)}

    try:
        offered = Fact("event-1", agency, "M", "2026-11", Stage.SUGGESTIONS)
        for _ in range(3):  # the same event delivered three times
            await store.count(offered)
        await store.count(Fact("event-2", agency, "M", "2026-11", Stage.SUGGESTIONS))
        await store.count(Fact("c1:conclusion", agency, "M", "2026-11", Stage.ADJUSTED))
        await store.count(Fact("c1:hired", agency, "M", "2026-11", Stage.HIRED))
        assert await counts() == {("2026-11", "suggestions"): 2, ("2026-11", "adjusted"): 1, ("2026-11", "hired"): 1}

        await store.count(Fact("c1:conclusion", agency, "M", "2026-12", Stage.CONFIRMED))  # assessed again
        await store.uncount("c1:hired")
        await store.uncount("c1:hired")
        assert await counts() == {("2026-11", "suggestions"): 2, ("2026-12", "confirmed"): 1}
        assert await store.recount() == 0, "nothing to mend when nothing crashed"

        crashed = Fact("event-3", agency, "M", "2026-11", Stage.SUGGESTIONS)
        await store.buckets.update_one({"_id": bucket_of(crashed)}, {"$inc": {"count": 1}})  # added, then died
        await store.count(crashed)  # the redelivery: the step was not marked, so it is added again
        assert (await counts())[("2026-11", "suggestions")] == 4
        assert await store.recount() == 1
        assert (await counts())[("2026-11", "suggestions")] == 3
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
