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
from services.kit.mongo import connect
from services.kit.settings import ServiceSettings
from services.notifications.dispatcher import EMAILS as EMAILS_COLLECTION
from services.notifications.dispatcher import INBOX
from services.notifications.mailer import Mailer, SmtpSettings
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
        url = f"http://127.0.0.1:{PORTS['notifications']}/inbox/stream"
        async with client.stream("GET", url, params={"access_token": token}) as answer:
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
    """What a mailer pass reads when KEPT_EMAILS sent e-mails are kept (90 days by default): the due
    markers and their e-mails, beside the read of every pending e-mail the pass did before."""
    settings = ServiceSettings(mongodb_uri=MONGO, mongodb_database=database_name)
    client, database = connect(settings)
    try:
        now = datetime.now(UTC)
        kept = [
            {"_id": f"kept-{i}", "to": "x@bench.fr", "recipient": "x", "subject": "s", "text": "t", "kind": "k",
             "status": "sent", "attempts": 1, "next_at": now, "created_at": now, "sent_at": now}
            for i in range(KEPT_EMAILS)
        ]  # fmt: skip
        for start in range(0, KEPT_EMAILS, 5000):
            await database[EMAILS_COLLECTION].insert_many(kept[start : start + 5000])
        mailer = Mailer(database, SmtpSettings("127.0.0.1", PORTS["smtp"]), lambda *args: asyncio.sleep(0))
        timings: dict[str, list[float]] = {"by_markers": [], "reading_every_pending": []}
        for _ in range(5):
            begin = time.perf_counter()
            await mailer._due()
            timings["by_markers"].append((time.perf_counter() - begin) * 1000)
            begin = time.perf_counter()
            await database[EMAILS_COLLECTION].find({"status": {"$in": ["pending", "sending"]}}).to_list()
            timings["reading_every_pending"].append((time.perf_counter() - begin) * 1000)
        return {f"mailer_pass_ms_{k}_{KEPT_EMAILS}_kept": round(statistics.median(v), 1) for k, v in timings.items()}
    finally:
        await client.close()


async def unread_count_ms(database_name: str, token: str, staff_id: str) -> dict[str, float]:
    """The unread count every console page asks for, with KEPT_EMAILS inbox entries of other people:
    through the API (read by _id), beside the count over the inbox it made before."""
    client, database = connect(ServiceSettings(mongodb_uri=MONGO, mongodb_database=database_name))
    try:
        now = datetime.now(UTC)
        entries = [{"_id": f"kept-{i}", "staff_id": f"other-{i % 500}", "read": False, "created_at": now}
                   for i in range(KEPT_EMAILS)]  # fmt: skip
        for start in range(0, KEPT_EMAILS, 5000):
            await database[INBOX].insert_many(entries[start : start + 5000])
        timings: dict[str, list[float]] = {"api": [], "counting_the_inbox": []}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS['notifications']}") as http:
            for _ in range(10):
                begin = time.perf_counter()
                (await http.get("/inbox/unread-count", headers={"Authorization": f"Bearer {token}"})).raise_for_status()
                timings["api"].append((time.perf_counter() - begin) * 1000)
                begin = time.perf_counter()
                await database[INBOX].count_documents({"staff_id": staff_id, "read": False})
                timings["counting_the_inbox"].append((time.perf_counter() - begin) * 1000)
        return {
            f"unread_count_ms_{k}_{KEPT_EMAILS}_entries": round(statistics.median(v), 1) for k, v in timings.items()
        }
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
        pass_ms |= await unread_count_ms(database_name, tokens[0], staff[0])
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
