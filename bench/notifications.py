"""Benchmark: live notifications from an event's publication to 200 connected browsers (SSE clients),
and e-mails per second to the local SMTP server, with the notifications service as its own process on
real Kafka and FerretDB. Writes bench/results/notifications.json.

    make bench-notifications     (starts its own Kafka and FerretDB on bench ports, then stops them)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from pydantic import BaseModel

from bench import report
from bench.report import percentile
from services.contracts.envelope import Envelope
from services.contracts.events.registry import REGISTRY
from services.contracts.topics import all_topic_names
from services.kit import kafka_admin
from services.kit.ids import new_id
from services.kit.mongo import connect
from services.kit.settings import ServiceSettings
from services.notifications.adapters.emails import EMAILS as EMAILS_COLLECTION
from services.notifications.adapters.emails import Emails
from services.notifications.adapters.inbox import INBOX, InboxEntries
from services.profiles.adapters.tokens import TokenIssuer, generate_private_key_pem

RESULTS = Path(__file__).parent / "results" / "notifications.json"
ROOT = Path(__file__).resolve().parents[1]
BROWSERS = int(os.environ.get("BENCH_SSE_CLIENTS", "200"))
LIVE_EVENTS = int(os.environ.get("BENCH_LIVE_EVENTS", "1000"))
LIVE_RATE = float(os.environ.get("BENCH_LIVE_PER_S", "50"))
EMAILS = int(os.environ.get("BENCH_EMAILS", "500"))
KEPT_EMAILS = int(os.environ.get("BENCH_KEPT_EMAILS", "20000"))
KAFKA = os.environ.get("PARCOURS_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:29092")
MONGO = os.environ.get("PARCOURS_MONGODB_URI", "mongodb://127.0.0.1:27029")
AGENCY = "bench-agency"
PORTS = {"notifications": 28004, "jwks": 28001, "smtp": 21025, "mail": 28025}


def envelope(event_type: str, aggregate_id: str, payload: BaseModel | dict[str, Any]) -> Envelope:
    contract = REGISTRY[(event_type, 1)]
    body = contract.payload.model_validate(payload).model_dump(mode="json")
    return Envelope(
        event_type=event_type,
        aggregate_type=contract.topic.split(".", 1)[1],
        aggregate_id=aggregate_id,
        aggregate_version=1,
        tenant_id=AGENCY,
        producer="bench",
        payload=body,
    )


def serve_jwks(issuer: TokenIssuer) -> None:
    app = FastAPI()
    app.get("/.well-known/jwks.json")(lambda: issuer.jwks())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=PORTS["jwks"], log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()


def start(module: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", module], env={**os.environ, **env}, cwd=ROOT, stdout=out, stderr=out
        )


async def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


class Browsers:
    """SSE clients, each recording when each notification arrived."""

    def __init__(self, tokens: list[str], expected: int) -> None:
        self.tokens = tokens
        self.arrived: dict[str, float] = {}
        self.connected = 0
        self.all_connected, self.all_arrived, self.expected = asyncio.Event(), asyncio.Event(), expected
        self.tasks: list[asyncio.Task[None]] = []

    async def _one(self, client: httpx.AsyncClient, token: str) -> None:
        base = f"http://127.0.0.1:{PORTS['notifications']}"
        given = await client.post(f"{base}/stream-tickets", headers={"Authorization": f"Bearer {token}"})
        ticket = given.raise_for_status().json()["ticket"]
        async with client.stream("GET", f"{base}/inbox/stream", params={"ticket": ticket}) as answer:
            async for line in answer.aiter_lines():
                if line.startswith(": connected"):
                    self.connected += 1
                    if self.connected == len(self.tokens):
                        self.all_connected.set()
                elif line.startswith("data: "):
                    self.arrived[json.loads(line[6:])["subject_id"]] = time.perf_counter()
                    if len(self.arrived) >= self.expected:
                        self.all_arrived.set()

    async def open(self, client: httpx.AsyncClient) -> None:
        self.tasks = [asyncio.create_task(self._one(client, t)) for t in self.tokens]
        await asyncio.wait_for(self.all_connected.wait(), 60)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def mailer_pass_ms(database_name: str) -> dict[str, float]:
    """What a mailer pass reads when KEPT_EMAILS sent e-mails are kept (90 days by default) and nothing is
    due: the `{status, next_at}` index's answer."""
    settings = ServiceSettings(mongodb_uri=MONGO, mongodb_database=database_name)
    client, database = connect(settings)
    try:
        now = datetime.now(UTC)
        kept = [
            {"_id": new_id(), "key": f"kept-{i}", "to": "x@bench.fr", "recipient": "x", "subject": "s", "text": "t",
             "kind": "k", "status": "sent", "attempts": 1, "next_at": now, "created_at": now, "sent_at": now}
            for i in range(KEPT_EMAILS)
        ]  # fmt: skip
        for start in range(0, KEPT_EMAILS, 5000):
            await database[EMAILS_COLLECTION].insert_many(kept[start : start + 5000])
        emails = Emails(database)
        timings: list[float] = []
        for _ in range(20):
            begin = time.perf_counter()
            await emails.due(datetime.now(UTC), 200)
            timings.append((time.perf_counter() - begin) * 1000)
        return {f"mailer_pass_ms_{KEPT_EMAILS}_kept": round(statistics.median(timings), 1)}
    finally:
        await client.close()


async def inbox_of_one_person_ms(database_name: str, tokens: list[str], staff: list[str]) -> dict[str, float]:
    """The unread count every console page asks for, and the inbox's first page, for a person with
    KEPT_EMAILS entries (interleaved with as many of another person's): all of them unread, or 50. Counted by
    the `{staff_id, read}` index, in the database and through the API; beside it, what the per-person list of
    unread ids it replaced costs to read (one document of that many ids, by `_id`)."""
    client, database = connect(ServiceSettings(mongodb_uri=MONGO, mongodb_database=database_name))
    people = {KEPT_EMAILS: (staff[0], tokens[0]), 50: (staff[1], tokens[1])}
    try:
        now = datetime.now(UTC)
        entries = [{"_id": new_id(), "key": f"kept-{person}-{i}", "staff_id": person, "agency_id": AGENCY,
                    "kind": "k", "title": "Notification", "body": "Une notification de banc d'essai", "url": "",
                    "subject_id": "s", "read": i < KEPT_EMAILS - unread, "pushed": True, "created_at": now}
                   for i in range(KEPT_EMAILS) for unread, (person, _) in people.items()]  # fmt: skip
        for start in range(0, len(entries), 5000):
            await database[INBOX].insert_many(entries[start : start + 5000])
        for person, _ in people.values():
            ids = [e["_id"] for e in entries if e["staff_id"] == person and not e["read"]]
            await database["former_unread_ids"].insert_one({"_id": person, "ids": ids})
        inbox = InboxEntries(database)
        results: dict[str, float] = {}

        async def median_ms(call: Any, times: int = 30) -> float:
            timings = []
            for _ in range(times):
                begin = time.perf_counter()
                await call()
                timings.append((time.perf_counter() - begin) * 1000)
            return round(statistics.median(timings), 1)

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS['notifications']}") as http:

            async def measure(person: str, token: str, suffix: str) -> None:
                headers = {"Authorization": f"Bearer {token}"}

                async def api() -> None:
                    (await http.get("/inbox/unread-count", headers=headers)).raise_for_status()

                async def count() -> None:
                    await inbox.unread_count(person)

                async def former() -> None:
                    await database["former_unread_ids"].find_one({"_id": person})

                async def page() -> None:
                    (await http.get("/inbox", headers=headers)).raise_for_status()

                results[f"unread_count_ms_api_{suffix}"] = await median_ms(api)
                results[f"unread_count_ms_by_index_{suffix}"] = await median_ms(count)
                results[f"unread_ids_list_read_ms_{suffix}"] = await median_ms(former)
                results[f"inbox_first_page_ms_api_{suffix}"] = await median_ms(page)

            for unread, (person, token) in people.items():
                await measure(person, token, f"{KEPT_EMAILS}_entries_{unread}_unread")
        return results
    finally:
        await client.close()


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    database_name = f"bench_notifications_{uuid.uuid4().hex[:6]}"
    kafka_admin.provision_topics(KAFKA, all_topic_names(), 3, 1)
    issuer = TokenIssuer(generate_private_key_pem(), issuer="parcours-profiles", audience="parcours", minutes=60)
    serve_jwks(issuer)
    staff = [str(uuid.uuid4()) for _ in range(BROWSERS)]
    tokens = [issuer.issue(s, {"agency_id": AGENCY, "roles": ["counsellor"], "region_code": "52"})[0] for s in staff]
    catcher = start(
        "services.notifications.mailcatcher",
        {
            "PARCOURS_DATA_DIR": str(folder),
            "PARCOURS_MAILCATCHER_SMTP_PORT": str(PORTS["smtp"]),
            "PARCOURS_MAILCATCHER_HTTP_PORT": str(PORTS["mail"]),
        },
        folder / "catcher.log",
    )
    service = start(
        "services.notifications",
        {
            "PARCOURS_HTTP_PORT": str(PORTS["notifications"]),
            "PARCOURS_KAFKA_BOOTSTRAP_SERVERS": KAFKA,
            "PARCOURS_MONGODB_URI": MONGO,
            "PARCOURS_MONGODB_DATABASE": database_name,
            "PARCOURS_AUTH_JWKS_URL": f"http://127.0.0.1:{PORTS['jwks']}/.well-known/jwks.json",
            "PARCOURS_LINK_SIGNING_KEY": "bench-link-signing-key-of-at-least-32-characters",
            "PARCOURS_SMTP_PORT": str(PORTS["smtp"]),
            "PARCOURS_LOG_LEVEL": "WARNING",
            **{k[len("BENCH_SERVICE_") :]: v for k, v in os.environ.items() if k.startswith("BENCH_SERVICE_")},
        },
        folder / "notifications.log",
    )
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", linger_ms=0)
    try:
        await wait_for(f"http://127.0.0.1:{PORTS['mail']}/readyz")
        await wait_for(f"http://127.0.0.1:{PORTS['notifications']}/readyz", 120)
        await producer.start()
        for person in staff:
            registered = {
                "staff_id": person,
                "agency_id": AGENCY,
                "name": "Conseillère",
                "email": f"{person[:8]}@bench.fr",
                "roles": ["counsellor"],
            }
            await producer.send(
                "profiles.staff",
                envelope("profiles.staff.registered", person, registered).to_bytes(),
                key=person.encode(),
            )
        await producer.flush()
        await asyncio.sleep(3)  # the staff directory fills

        async with httpx.AsyncClient(
            timeout=httpx.Timeout(10, read=None), limits=httpx.Limits(max_connections=BROWSERS + 10)
        ) as client:
            browsers = Browsers(tokens, LIVE_EVENTS)
            await browsers.open(client)
            published: dict[str, float] = {}
            for index in range(LIVE_EVENTS):
                subject = str(uuid.uuid4())
                offered = {
                    "beneficiary_id": subject,
                    "agency_id": AGENCY,
                    "counsellor_id": staff[index % BROWSERS],
                    "peer_id": str(uuid.uuid4()),
                    "rank": 1,
                    "score": 0.9,
                    "reasons": ["A exercé le métier visé"],
                }
                record = envelope("matching.suggestion.offered", subject, offered).to_bytes()
                published[subject] = time.perf_counter()
                await producer.send_and_wait("matching.suggestion", record, key=subject.encode())
                await asyncio.sleep(1 / LIVE_RATE)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(browsers.all_arrived.wait(), 60)
            latencies = [(browsers.arrived[s] - t) * 1000 for s, t in published.items() if s in browsers.arrived]
            await browsers.close()

        peers = [str(uuid.uuid4()) for _ in range(EMAILS)]
        for peer in peers:
            contact = {
                "peer_id": peer,
                "agency_id": AGENCY,
                "name": "Pair",
                "email": f"{peer[:8]}@pairs.fr",
                "phone": "",
            }
            await producer.send(
                "profiles.peer", envelope("profiles.peer.contact_changed", peer, contact).to_bytes(), key=peer.encode()
            )
        await producer.flush()
        await asyncio.sleep(3)
        started = time.perf_counter()
        for peer in peers:
            introduction = str(uuid.uuid4())
            proposed = {
                "introduction_id": introduction,
                "beneficiary_id": str(uuid.uuid4()),
                "agency_id": AGENCY,
                "counsellor_id": staff[0],
                "peer_id": peer,
                "purpose": "job_inquiry",
                "target_job": "M1805",
                "meeting_modes": ["video"],
                "counsellor_present": False,
                "expires_at": "2027-12-01T00:00:00+00:00",
            }
            await producer.send(
                "matching.introduction",
                envelope("matching.introduction.proposed", introduction, proposed).to_bytes(),
                key=introduction.encode(),
            )
        await producer.flush()
        caught = 0
        async with httpx.AsyncClient(timeout=5) as client:
            deadline = time.monotonic() + 300
            while caught < EMAILS and time.monotonic() < deadline:
                caught = len((await client.get(f"http://127.0.0.1:{PORTS['mail']}/messages")).json()["messages"])
                await asyncio.sleep(0.2)
        email_seconds = time.perf_counter() - started
        pass_ms = await mailer_pass_ms(database_name)
        pass_ms |= await inbox_of_one_person_ms(database_name, tokens, staff)
        result = {
            **pass_ms,
            "sse_clients": BROWSERS,
            "live_events": LIVE_EVENTS,
            "live_events_per_s": LIVE_RATE,
            "live_delivered": len(latencies),
            "sse_latency_ms_p50": round(percentile(latencies, 50), 1) if latencies else None,
            "sse_latency_ms_p99": round(percentile(latencies, 99), 1) if latencies else None,
            "emails": EMAILS,
            "emails_caught": caught,
            "emails_per_s": round(caught / email_seconds, 1),
        }
    finally:
        await producer.stop()
        for process in (service, catcher):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(15)
    report.record(RESULTS, result)


if __name__ == "__main__":
    asyncio.run(main())
