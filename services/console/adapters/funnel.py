"""The funnel's counts: `funnel_steps` (each counted step) and `funnel_buckets` (what the dashboard
reads), in one repository because a bucket's count is the number of its counted steps.

Grouping a growing collection of counted steps at every read costs what the collection holds, so a step
is counted when it happens into one small document per (agency, sector, month, stage) that the dashboard
reads (an atomic `$inc`); each step also keeps a document of its own (its bucket, whether it was
counted), which makes a redelivered or repeated event count once. A crash between adding to the bucket
and marking the step leaves one count too many: `recount()` rebuilds the buckets from the steps (at
start-up, then hourly, on one console instance at a time: a periodic job holds a lease), each bucket by a
compare-and-set on the count it read, so a step counted meanwhile by any instance is never overwritten."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.console.domain.funnel import Fact
from services.kit.mongo import Document

STEPS = "funnel_steps"
BUCKETS = "funnel_buckets"


def bucket_of(fact: Fact) -> str:
    return f"{fact.agency_id}|{fact.sector}|{fact.month}|{fact.stage.value}|{fact.transition}"


FIELDS = ("agency_id", "sector", "month", "stage", "transition")


class FunnelCounts:
    """The counted steps and their buckets."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.steps = database[STEPS]
        self.buckets = database[BUCKETS]

    async def _add(self, bucket: str, fields: dict[str, Any], by: int) -> None:
        await self.buckets.update_one({"_id": bucket}, {"$inc": {"count": by}, "$setOnInsert": fields}, upsert=True)

    async def count(self, fact: Fact) -> None:
        """Count this step in its bucket, once; a step counted elsewhere before (an assessment submitted
        again with another conclusion) moves to its new bucket."""
        bucket = bucket_of(fact)
        fields = {
            "agency_id": fact.agency_id,
            "sector": fact.sector,
            "month": fact.month,
            "stage": fact.stage.value,
            "transition": fact.transition,
        }
        known = await self.steps.find_one({"_id": fact.key})
        if known is not None and known["bucket"] == bucket and known["counted"]:
            return
        if known is not None and known["counted"]:
            await self.uncount(fact.key)
        await self.steps.update_one(
            {"_id": fact.key}, {"$set": {**fields, "bucket": bucket, "counted": False}}, upsert=True
        )
        await self._add(bucket, fields, 1)
        await self.steps.update_one({"_id": fact.key}, {"$set": {"counted": True}})

    async def uncount(self, key: str) -> None:
        """The step no longer counts (a hiring taken back)."""
        known = await self.steps.find_one({"_id": key})
        if known is None:
            return
        if known["counted"]:
            await self.steps.update_one({"_id": key}, {"$set": {"counted": False}})
            await self._add(known["bucket"], {}, -1)
        await self.steps.delete_one({"_id": key})

    async def counted(self, agency_ids: list[str], months: tuple[str, str] | None) -> list[Document]:
        """`{agency_id, sector, month, stage, transition, count}` buckets of these agencies (and months,
        inclusive); buckets counted before transitions were have none."""
        return await self._buckets(agency_ids, {"$gte": months[0], "$lte": months[1]} if months else None)

    async def counted_in(self, agency_ids: list[str], months: list[str]) -> list[Document]:
        """The same buckets, of these months only (a comparison's three months, not the year between)."""
        return await self._buckets(agency_ids, {"$in": months})

    async def _buckets(self, agency_ids: list[str], months: dict[str, Any] | None) -> list[Document]:
        query: dict[str, Any] = {"agency_id": {"$in": agency_ids}, "count": {"$gt": 0}}
        if months:
            query["month"] = months
        return await self.buckets.find(query, {"_id": 0}).to_list()

    async def recount(self) -> int:
        """Set every bucket to the number of its counted steps; returns how many were wrong. A bucket
        that moves while the steps are read is left for the next recount."""
        before = {b["_id"]: b["count"] for b in await self.buckets.find({}, {"count": 1}).to_list()}
        truth: Counter[str] = Counter()
        fields: dict[str, dict[str, Any]] = {}
        wanted = {"bucket": 1, **dict.fromkeys(FIELDS, 1)}
        async for step in self.steps.find({"counted": True}, wanted):
            truth[step["bucket"]] += 1
            fields[step["bucket"]] = {k: step[k] for k in FIELDS if k in step}
        mended = 0
        for bucket in set(before) | set(truth):
            if before.get(bucket) == truth[bucket]:
                continue
            if bucket in before:  # compare-and-set on the count read: one counted meanwhile waits for the next recount
                changed = await self.buckets.update_one(
                    {"_id": bucket, "count": before[bucket]}, {"$set": {"count": truth[bucket]}}
                )
                mended += changed.modified_count
                continue
            try:
                await self.buckets.insert_one({"_id": bucket, "count": truth[bucket], **fields[bucket]})
                mended += 1
            except DuplicateKeyError:
                pass  # counted meanwhile
        return mended
