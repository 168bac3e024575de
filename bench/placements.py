"""Benchmark: the conventions' use cases on the local engine: drafts written with their legal checks, a party's
link action, the scheduler's sweep among OPEN open conventions (20,000: the aim is <= 100 ms with nothing
due), the PDF. Writes bench/results/placements.json.

    make bench-placements        (starts its own FerretDB on the bench port, then stops it)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import report
from bench.report import percentile
from services.contracts.events.placements import PartyRole
from services.contracts.links import convention_link
from services.kit.ids import new_id
from services.kit.mongo import connect, create_indexes
from services.kit.outbox import OutboxWriter
from services.kit.settings import ServiceSettings
from services.placements.adapters.conventions import Conventions, from_document, prepare_database, to_document
from services.placements.adapters.indexes import INDEXES
from services.placements.adapters.projections import Projections
from services.placements.api.conventions import EXAMPLE
from services.placements.domain.convention import Party, next_due_at
from services.placements.domain.documents import convention_pdf
from services.placements.domain.lifecycle import Action, Actor, Status
from services.placements.domain.terms import Terms
from services.placements.use_cases.conventions import ConventionService
from services.placements.use_cases.party_links import PartyLinks
from services.placements.use_cases.scheduler import Scheduler

RESULTS = Path(__file__).parent / "results" / "placements.json"
CONVENTIONS = int(os.environ.get("BENCH_PLACEMENTS_CONVENTIONS", "2000"))  # written through the use cases
OPEN = int(os.environ.get("BENCH_PLACEMENTS_OPEN", "20000"))  # open conventions in all
SAMPLES = int(os.environ.get("BENCH_PLACEMENTS_SAMPLES", "200"))
KEY = "bench-link-signing-key-of-at-least-32-characters"


def terms(index: int, start: date) -> Terms:
    body: dict[str, Any] = {k: v for k, v in EXAMPLE.items() if k != "beneficiary_id"}
    body = {**body, "start_date": start.isoformat(), "end_date": (start + timedelta(days=11)).isoformat()}
    body["beneficiary"] = {**body["beneficiary"], "last_name": f"Bench-{index}"}
    return Terms.model_validate(body)


MIX = (Status.DRAFT, Status.SENT_TO_EMPLOYER, Status.CONFIRMED_BY_EMPLOYER, Status.SIGNED, Status.VALIDATED)


async def add_open(conventions: Conventions, template: dict[str, Any], count: int, start: date) -> None:
    """`count` more open conventions, in several statuses, starting on `start` (later than the drafts':
    nothing of theirs is due when the drafts' reminders are), inserted as they would be stored."""
    batch: list[dict[str, Any]] = []
    for index in range(count):
        terms = {
            **template["terms"],
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=11)).isoformat(),
        }
        document = {
            **template,
            "_id": new_id(),
            "beneficiary_id": str(uuid.uuid4()),
            "status": MIX[index % len(MIX)].value,
            "terms": terms,
            "outbox": [],
        }
        document["next_due_at"] = next_due_at(from_document({**document, "version": 1}))
        batch.append(document)
        if len(batch) == 5000 or index == count - 1:
            await conventions.collection.insert_many(batch)
            batch = []


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def main() -> None:
    settings = ServiceSettings(service_name="bench_placements")
    client, database = connect(settings)
    await client.drop_database(settings.database_name)
    await create_indexes(database, INDEXES)
    projections = Projections(database)
    conventions = Conventions(database, OutboxWriter())
    service = ConventionService(conventions, projections, KEY)
    counsellor = Party(frozenset({Actor.COUNSELLOR}), "bench-counsellor")
    start = date.today() + timedelta(days=30)
    try:
        people = [str(uuid.uuid4()) for _ in range(CONVENTIONS)]
        await projections.beneficiaries.insert_many(
            [
                {
                    "_id": p,
                    "agency_id": "bench-agency",
                    "counsellor_id": "c",
                    "minor": False,
                    "active": True,
                    "version": 1,
                }
                for p in people
            ]
        )
        create_ms: list[float] = []
        ids: list[str] = []
        began = time.perf_counter()
        for index, person in enumerate(people):
            t0 = time.perf_counter()
            made = await service.create(
                "bench-agency", "bench-counsellor", person, terms(index, start), datetime.now(UTC)
            )
            create_ms.append((time.perf_counter() - t0) * 1000)
            ids.append(made.id)
        create_seconds = time.perf_counter() - began

        sign_ms: list[float] = []
        for convention_id in ids[:SAMPLES]:
            sent = await service.act(await conventions.get(convention_id), Action.SEND, counsellor, datetime.now(UTC))
            record = sent.links[PartyRole.EMPLOYER]
            token = convention_link(KEY, convention_id, "employer", record.link_id, record.expires_at)
            t0 = time.perf_counter()
            await PartyLinks(service).act(convention_id, token, Action.CONFIRM, datetime.now(UTC))
            sign_ms.append((time.perf_counter() - t0) * 1000)

        await add_open(
            conventions, to_document(await conventions.get(ids[-1])), OPEN - CONVENTIONS, start + timedelta(days=60)
        )
        t0 = time.perf_counter()
        await prepare_database(database)  # at start-up: nothing stored before next_due_at here
        prepare_s = time.perf_counter() - t0
        idle_s, idle = [], {}
        for _ in range(30):
            t0 = time.perf_counter()
            idle = await Scheduler(service, conventions).sweep(datetime.now(UTC))
            idle_s.append(time.perf_counter() - t0)
        every_open_s = []  # what the sweep read before next_due_at: every open convention
        for _ in range(3):
            t0 = time.perf_counter()
            await conventions.collection.find({"status": {"$in": [s.value for s in MIX]}}).to_list()
            every_open_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        due = await Scheduler(service, conventions).sweep(
            datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC)
        )
        sweep_due_s = time.perf_counter() - t0

        printed = await conventions.get(ids[0])
        pdf_ms = []
        for _ in range(20):
            t0 = time.perf_counter()
            convention_pdf(printed, "Mission locale")
            pdf_ms.append((time.perf_counter() - t0) * 1000)

        result = {
            "conventions": CONVENTIONS,
            "drafts_per_s": round(CONVENTIONS / create_seconds),
            "draft_ms_p50": round(percentile(create_ms, 50), 2),
            "draft_ms_p99": round(percentile(create_ms, 99), 2),
            "draft_ms_last_100_mean": round(statistics.mean(create_ms[-100:]), 2),
            "link_confirm_ms_p50": round(percentile(sign_ms, 50), 2),
            "link_confirm_ms_p99": round(percentile(sign_ms, 99), 2),
            "open_conventions": await conventions.collection.count_documents(
                {"status": {"$in": [s.value for s in MIX]}}
            ),
            "sweep_ms_nothing_due_20k": ms(percentile(idle_s, 50)),
            "sweep_ms_nothing_due_20k_p99": ms(percentile(idle_s, 99)),
            "sweep_idle_counts": idle,
            "reading_every_open_convention_ms_20k": ms(statistics.median(every_open_s)),
            "sweep_s_reminders_due": round(sweep_due_s, 3),
            "sweep_reminders_sent": due["reminders"],
            "startup_adoption_ms_none_missing": ms(prepare_s),
            "pdf_ms_p50": round(percentile(pdf_ms, 50), 2),
            "database": settings.mongodb_uri,
        }
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    report.record(RESULTS, result)


if __name__ == "__main__":
    asyncio.run(main())
