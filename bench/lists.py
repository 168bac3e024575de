"""Benchmark: list pages at scale, through the code the list routes call (the repositories' page queries,
with the services' declared indexes), on the real database engine. Writes bench/results/lists.json.

    make bench-lists        (starts its own database on the bench port, then stops it)

- peers: `GET /peers` of an agency among 100,000 peers of five agencies of a region (some of them
  region-wide, as the import's sample rows make them): the first page, and a page 40,000 peers deep
  (reached by the cursor);
- conventions: an agency's conventions among 100,000 of six agencies, first page and a status filter;
- inbox: one counsellor's inbox with 20,000 entries among 100,000, first page and the unread count."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import report
from bench.report import percentile
from services.kit.ids import new_id
from services.kit.mongo import Document, connect, create_indexes
from services.kit.outbox import OutboxWriter
from services.kit.settings import ServiceSettings
from services.notifications.adapters.inbox import INBOX, InboxEntries
from services.notifications.adapters.indexes import INDEXES as NOTIFICATIONS_INDEXES
from services.placements.adapters.conventions import CONVENTIONS, Conventions, Selection
from services.placements.adapters.conventions import to_document as convention_document
from services.placements.adapters.indexes import INDEXES as PLACEMENTS_INDEXES
from services.placements.api.conventions import EXAMPLE
from services.placements.domain.convention import Convention, Entry
from services.placements.domain.lifecycle import Status
from services.placements.domain.terms import Terms
from services.profiles.adapters.indexes import INDEXES as PROFILES_INDEXES
from services.profiles.adapters.peers import COLLECTION as PEERS
from services.profiles.adapters.peers import Peers, to_document
from services.profiles.demo_peers import peer_rows
from services.profiles.importing.rows import to_peer

RESULTS = Path(__file__).parent / "results" / "lists.json"
DOCUMENTS = int(os.environ.get("BENCH_LISTS_DOCUMENTS", "100000"))
INBOX_ENTRIES = int(os.environ.get("BENCH_LISTS_INBOX", "20000"))
SAMPLES = int(os.environ.get("BENCH_LISTS_SAMPLES", "200"))
PAGE = 50
AGENCIES = [f"agency-{n}" for n in range(6)]


async def timed(samples: int, call: Callable[[], Awaitable[Any]]) -> dict[str, float]:
    for _ in range(10):  # warm-up
        await call()
    durations = []
    for _ in range(samples):
        started = time.perf_counter()
        await call()
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "p50": round(percentile(durations, 50), 2),
        "p99": round(percentile(durations, 99), 2),
        "mean": round(statistics.fmean(durations), 2),
    }


async def insert_all(collection: Any, documents: list[Document]) -> None:
    for start in range(0, len(documents), 2000):
        await collection.insert_many(documents[start : start + 2000], ordered=False)


async def seed_peers(database: Any) -> None:
    """Real peers, from the import's sample rows, stored as the repository stores them (their
    events left out: no relay runs here), each with a time-ordered id as a new peer gets."""
    documents = []
    for number, row in enumerate(peer_rows(DOCUMENTS, seed=7, email_domain="bench.fr")):
        document = to_document(to_peer(row, AGENCIES[number % 5], "52"))
        document.update({"_id": new_id(), "version": 1, "outbox": []})
        documents.append(document)
    await insert_all(database[PEERS], documents)


TERMS = Terms.model_validate({k: v for k, v in EXAMPLE.items() if k != "beneficiary_id"})


def convention(number: int, moment: datetime) -> Document:
    statuses = list(Status)
    host = TERMS.host.model_copy(update={"siret": f"{number % 5000:014d}", "name": f"Entreprise {number % 5000}"})
    stored = Convention(
        id=new_id(),
        agency_id=AGENCIES[number % len(AGENCIES)],
        beneficiary_id=f"beneficiary-{number % 30000}",
        counsellor_id="counsellor",
        created_by="counsellor",
        minor=False,
        status=statuses[number % len(statuses)],
        terms=TERMS.model_copy(update={"host": host}),
        created_at=moment,
        version=1,
        history=(Entry("draft", "counsellor", None, Status.DRAFT, moment),),
    )
    return {**convention_document(stored), "outbox": []}


def inbox_entry(staff_id: str, number: int, moment: datetime) -> Document:
    return {
        "_id": new_id(),
        "key": f"{staff_id}/{number}",
        "staff_id": staff_id,
        "kind": "introduction_accepted",
        "title": "Mise en relation acceptée",
        "body": "Un pair a accepté la rencontre proposée.",
        "link": "/console/introductions",
        "read": number % 3 != 0,
        "pushed": True,
        "created_at": moment,
    }


async def main() -> None:
    settings = ServiceSettings(service_name="bench_lists")
    client, database = connect(settings)
    await client.drop_database(settings.database_name)
    try:
        for declarations in (PROFILES_INDEXES, PLACEMENTS_INDEXES, NOTIFICATIONS_INDEXES):
            await create_indexes(database, declarations)
        now = datetime.now(UTC)
        seeding = time.perf_counter()
        await seed_peers(database)
        await insert_all(database[CONVENTIONS], [convention(n, now - timedelta(minutes=n)) for n in range(DOCUMENTS)])
        me, others = "counsellor-me", [f"counsellor-{n}" for n in range(40)]
        recipients = [me] * INBOX_ENTRIES + [random.choice(others) for _ in range(DOCUMENTS - INBOX_ENTRIES)]
        random.shuffle(recipients)  # everybody's entries interleaved, as they arrive (ids in that order)
        await insert_all(database[INBOX], [inbox_entry(staff, n, now) for n, staff in enumerate(recipients)])
        seed_seconds = time.perf_counter() - seeding

        peers = Peers(database, OutboxWriter())
        agency = AGENCIES[1]
        first_peers = await peers.visible(agency, "52", limit=PAGE)
        deep_cursor: str | None = None
        walked = 0
        while walked < 40000:  # follow the cursors, as a client paging through would
            page = await peers.visible(agency, "52", after=deep_cursor, limit=200)
            if len(page) < 200:
                break
            deep_cursor, walked = page[-1].peer_id, walked + len(page)
        conventions = Conventions(database, OutboxWriter())
        inbox = InboxEntries(database)
        figures: dict[str, Any] = {
            "peers_page": await timed(SAMPLES, lambda: peers.visible(agency, "52", limit=PAGE)),
            "peers_deep_page": await timed(SAMPLES, lambda: peers.visible(agency, "52", after=deep_cursor, limit=PAGE)),
            "peers_search_page": await timed(SAMPLES, lambda: peers.visible(agency, "52", text="ma", limit=PAGE)),
            "conventions_page": await timed(SAMPLES, lambda: conventions.of_agency(Selection(agency), None, PAGE)),
            "conventions_status_page": await timed(
                SAMPLES, lambda: conventions.of_agency(Selection(agency, status=Status.VALIDATED), None, PAGE)
            ),
            "inbox_page": await timed(SAMPLES, lambda: inbox.page(me, unread_only=False, after=None, limit=PAGE)),
            "inbox_unread_count": await timed(SAMPLES, lambda: inbox.unread_count(me)),
        }
        result = {
            "peers_page_ms_p99_100k": figures["peers_page"]["p99"],
            "peers_deep_page_ms_p99_100k": figures["peers_deep_page"]["p99"],
            "conventions_page_ms_p99_100k": figures["conventions_page"]["p99"],
            "inbox_page_ms_p99_20k": figures["inbox_page"]["p99"],
            "details_ms": figures,
            "first_peers_page_size": len(first_peers),
            "deep_page_depth": walked,
            "documents": DOCUMENTS,
            "inbox_entries_of_one_person": INBOX_ENTRIES,
            "samples": SAMPLES,
            "seed_seconds": round(seed_seconds, 1),
            "database": settings.mongodb_uri,
        }
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    report.record(RESULTS, result)


if __name__ == "__main__":
    asyncio.run(main())
