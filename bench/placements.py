"""Benchmark: the conventions desk on FerretDB: drafts written with their legal checks, a party's link
action, the scheduler's sweep over every open convention, the PDF. Writes bench/results/placements.json.

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
from services.kit import links
from services.kit.mongo import connect
from services.kit.outbox import OutboxWriter
from services.kit.settings import ServiceSettings
from services.placements.adapters.projections import Projections
from services.placements.api import EXAMPLE
from services.placements.conventions import ConventionDesk, Party
from services.placements.documents import convention_pdf
from services.placements.domain.convention import Terms
from services.placements.domain.lifecycle import Action, Actor
from services.placements.party_links import PartyLinks
from services.placements.scheduler import Scheduler

RESULTS = Path(__file__).parent / "results" / "placements.json"
CONVENTIONS = int(os.environ.get("BENCH_PLACEMENTS_CONVENTIONS", "2000"))
SAMPLES = int(os.environ.get("BENCH_PLACEMENTS_SAMPLES", "200"))
KEY = "bench-link-signing-key-of-at-least-32-characters"


def terms(index: int, start: date) -> Terms:
    body: dict[str, Any] = {k: v for k, v in EXAMPLE.items() if k != "beneficiary_id"}
    body = {**body, "start_date": start.isoformat(), "end_date": (start + timedelta(days=11)).isoformat()}
    body["beneficiary"] = {**body["beneficiary"], "last_name": f"Bench-{index}"}
    return Terms.model_validate(body)


async def main() -> None:
    settings = ServiceSettings(service_name="bench_placements")
    client, database = connect(settings)
    await client.drop_database(settings.database_name)
    projections = Projections(database)
    desk = ConventionDesk(database, OutboxWriter(), projections, KEY)
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
            made = await desk.create("bench-agency", "bench-counsellor", person, terms(index, start), datetime.now(UTC))
            create_ms.append((time.perf_counter() - t0) * 1000)
            ids.append(made["_id"])
        create_seconds = time.perf_counter() - began

        sign_ms: list[float] = []
        for convention_id in ids[:SAMPLES]:
            document = await desk.act(await desk.get(convention_id), Action.SEND, counsellor, datetime.now(UTC))
            record = document["links"][PartyRole.EMPLOYER.value]
            token = links.convention_link(KEY, convention_id, "employer", record["link_id"], record["expires_at"])
            t0 = time.perf_counter()
            await PartyLinks(desk).act(convention_id, token, Action.CONFIRM, datetime.now(UTC))
            sign_ms.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        idle = await Scheduler(desk).sweep(datetime.now(UTC))
        sweep_idle_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        due = await Scheduler(desk).sweep(datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC))
        sweep_due_s = time.perf_counter() - t0

        document = await desk.get(ids[0])
        pdf_ms = []
        for _ in range(20):
            t0 = time.perf_counter()
            convention_pdf(document, "Mission locale")
            pdf_ms.append((time.perf_counter() - t0) * 1000)

        result = {
            "conventions": CONVENTIONS,
            "drafts_per_s": round(CONVENTIONS / create_seconds),
            "draft_ms_p50": round(percentile(create_ms, 50), 2),
            "draft_ms_p99": round(percentile(create_ms, 99), 2),
            "draft_ms_last_100_mean": round(statistics.mean(create_ms[-100:]), 2),
            "link_confirm_ms_p50": round(percentile(sign_ms, 50), 2),
            "link_confirm_ms_p99": round(percentile(sign_ms, 99), 2),
            "sweep_s_nothing_due": round(sweep_idle_s, 3),
            "sweep_s_reminders_due": round(sweep_due_s, 3),
            "sweep_reminders_sent": due["reminders"],
            "sweep_idle_counts": idle,
            "pdf_ms_p50": round(percentile(pdf_ms, 50), 2),
            "database": settings.mongodb_uri,
        }
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
    report.record(RESULTS, result)


if __name__ == "__main__":
    asyncio.run(main())
