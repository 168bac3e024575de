"""Erasure, timed: a beneficiary with a convention and introductions is erased through profiles' rights API,
then every collection of every service's database is read (read-only) until none holds their name, e-mail
or phone any more. The topics are another check's (`tests/security`)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from pymongo import AsyncMongoClient

from bench.reliability.client import Api
from bench.reliability.platform import SERVICES, Platform

GIVE_UP_S = 120.0


async def holders(mongo: AsyncMongoClient[dict[str, Any]], platform: Platform, needles: list[str]) -> set[str]:
    """The `service.collection`s holding any of the needles anywhere in a document."""
    found = set()
    for service in SERVICES:
        database = mongo[platform.database_of(service)]
        for collection in await database.list_collection_names():
            async for document in database[collection].find({}):
                text = json.dumps(document, default=str, ensure_ascii=False).lower()
                if any(needle in text for needle in needles):
                    found.add(f"{service}.{collection}")
                    break
    return found


async def timed_erasure(
    api: Api,
    mongo: AsyncMongoClient[dict[str, Any]],
    platform: Platform,
    beneficiary_id: str,
    headers: dict[str, str],
    also: list[str],
) -> dict[str, Any]:
    """Seconds from the erasure's answer until no store holds the person (their identity in profiles, and
    `also`: the names and contacts written elsewhere, on a convention), and until each store let go."""
    record = await api.call("profiles", "GET", f"/beneficiaries/{beneficiary_id}", safe=True, headers=headers)
    identity = record.json()["identity"]
    needles = [
        n.lower() for n in (identity["last_name"], identity.get("email") or "", identity.get("phone") or "", *also) if n
    ]
    scanned = time.monotonic()
    before = await holders(mongo, platform, needles)
    scan_s = round(time.monotonic() - scanned, 2)  # the measure's resolution
    erased = await api.call("profiles", "DELETE", f"/beneficiaries/{beneficiary_id}", safe=True, headers=headers)
    if erased.status != 204:
        return {"error": f"erasure answered {erased.status}"}
    start = time.monotonic()
    cleared: dict[str, float] = {}
    remaining = set(before)
    while remaining and time.monotonic() - start < GIVE_UP_S:
        now_holding = await holders(mongo, platform, needles)
        elapsed = round(time.monotonic() - start, 2)
        for store in remaining - now_holding:
            cleared[store] = elapsed
        remaining = now_holding
        await asyncio.sleep(0.2)
    return {
        "scan_s": scan_s,
        "stores_holding_before": sorted(before),
        "cleared_after_s": cleared,
        "still_holding": sorted(remaining),
        "erasure_max_s": None if remaining else max(cleared.values(), default=0.0),
    }
