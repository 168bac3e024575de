"""`make reliability`: the fault-injection harness. Starts a platform of its own, runs the scripted flow
with several clients while each service is killed (SIGKILL) and restarted, then the Kafka broker, then the
database server; checks every effect in the services' own stores and the caught e-mails; times an erasure;
prints a table and writes bench/results/reliability.json.

    RELIABILITY_OPERATIONS (5000)  RELIABILITY_CLIENTS (6)
    RELIABILITY_DATA_DIR (.data/reliability)  RELIABILITY_MONGO_PORT (27039)  RELIABILITY_KAFKA_PORT (39092)
    RELIABILITY_KAFKA_CONTROLLER_PORT (39093)  RELIABILITY_HTTP_PORT_BASE (26000: services on +1..+5, mail +25)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench import report
from bench.reliability import bodies, security
from bench.reliability.checks import Findings, Stores, check
from bench.reliability.client import Api, Tally
from bench.reliability.erasure import timed_erasure
from bench.reliability.faults import FaultInjector, Probes
from bench.reliability.ledger import Ledger, marker
from bench.reliability.mail import Mailbox
from bench.reliability.platform import LINK_KEY, OPERATOR_TOKEN, Platform, Ports, consumer_lags, data_dir
from bench.reliability.workload import Staff, Workload, charter_body, charter_path
from tests.security.platform import PlatformAccess

RESULTS = Path(__file__).resolve().parents[1] / "results" / "reliability.json"
OPERATIONS = int(os.environ.get("RELIABILITY_OPERATIONS", "5000"))
CLIENTS = int(os.environ.get("RELIABILITY_CLIENTS", "6"))
SETTLE_S = float(os.environ.get("RELIABILITY_SETTLE_S", "900"))
STALLED_S = float(os.environ.get("RELIABILITY_STALLED_S", "180"))
PASSWORD = "un-mot-de-passe-solide-2026"
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def sign_in(api: Api, agency_id: str, roles: list[str]) -> tuple[dict[str, str], str]:
    email = f"{marker('staff-').lower()}@agence.example.fr"
    body = {"email": email, "name": "Camille Durand", "roles": roles, "password": PASSWORD}
    made = await api.call("profiles", "POST", f"/agencies/{agency_id}/staff", safe=False, json=body, headers=OPERATOR)
    assert made.status == 201, made.response and made.response.text
    headers = await api.sign_in(email, PASSWORD)
    me = await api.call("profiles", "GET", "/auth/me", safe=True, headers=headers)
    return headers, str(me.json()["staff_id"])


async def set_up(api: Api) -> tuple[list[Staff], dict[str, str], Probes]:
    staff, validators = [], {}
    for name in ("Mission locale de l'Erdre", "Cap emploi du Layon"):
        body = {"name": f"{name} {marker('')[:4]}", "kind": "mission_locale", "region_code": "52"}
        agency = await api.call("profiles", "POST", "/agencies", safe=False, json=body, headers=OPERATOR)
        agency_id = str(agency.json()["agency_id"])
        counsellor, _ = await sign_in(api, agency_id, ["counsellor"])
        validator, validator_id = await sign_in(api, agency_id, ["validator"])
        staff.append(Staff(agency_id, counsellor, validator))
        validators[agency_id] = validator_id
    probe_headers, _ = await sign_in(api, staff[0].agency_id, ["counsellor"])
    probe_b = await api.call(
        "profiles",
        "POST",
        "/beneficiaries",
        safe=False,
        json=bodies.beneficiary(marker("Sonde")),
        headers=probe_headers,
    )
    peer_body = bodies.peer(marker("Sonde"))
    peer_body["visibility"], peer_body["consent_to_region"] = "agency", False
    probe_p = await api.call("profiles", "POST", "/peers", safe=False, json=peer_body, headers=probe_headers)
    await api.call("profiles", "POST", charter_path(probe_p.json()["peer_id"]), safe=True, json=charter_body())
    probes = Probes(probe_headers, probe_b.json()["beneficiary_id"], probe_p.json()["peer_id"], peer_body)
    return staff, validators, probes


async def settle(
    stores: Stores, ledger: Ledger, mailbox: Mailbox, validators: dict[str, str]
) -> tuple[Findings, float]:
    """Checks again until nothing is missing (events still travelling), nothing moved for STALLED_S, or
    SETTLE_S passed."""
    start = moved = time.monotonic()
    missing = -1
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            with contextlib.suppress(httpx.HTTPError):  # the catcher closed an idle connection: next round
                await mailbox.refresh(client)
            findings = await check(stores, ledger, mailbox, validators)
            now = time.monotonic()
            if len(findings.lost) != missing:
                missing, moved = len(findings.lost), now
            print(f"[reliability] after {now - start:.0f} s: {missing} effects missing", flush=True)
            if not findings.lost or now - start > SETTLE_S or now - moved > STALLED_S:
                return findings, round(now - start, 1)
            await asyncio.sleep(5)


async def erasure(
    api: Api, mongo: AsyncMongoClient[dict[str, Any]], platform: Platform, ledger: Ledger, staff: list[Staff]
) -> dict[str, Any]:
    introduced = {i.beneficiary_id for i in ledger.introductions.values()}
    ranked = sorted(
        ledger.conventions.values(), key=lambda c: (c.beneficiary_id in introduced, c.status == "signed"), reverse=True
    )
    if not ranked:
        return {"error": "no convention to erase"}
    chosen = ranked[0]
    also = [chosen.marker, f"{chosen.marker.lower()}@beneficiaires.example.fr"]
    headers = staff[chosen.agency].counsellor
    try:
        result = await timed_erasure(api, mongo, platform, chosen.beneficiary_id, headers, also)
    except Exception as error:  # the figures measured so far are still written
        result = {"error": f"{type(error).__name__}: {error}"}
    return {"beneficiary_id": chosen.beneficiary_id, "had_introductions": chosen.beneficiary_id in introduced, **result}


def table(figures: dict[str, Any]) -> str:
    rows = [
        (name, figures[name])
        for name in (
            "operations",
            "clients",
            "duration_s",
            "faults_injected",
            "lost_effects",
            "duplicated_effects",
            "traces_of_refused_writes",
            "effects_checked",
            "ambiguous_writes",
            "erasure_max_s",
            "fuzz_requests",
            "fuzz_5xx",
            "fuzz_schema_mismatches",
            "authz_cells",
            "authz_violations",
            "pii_in_logs",
        )
    ]
    lines = [f"{name:<26} {'not measured' if value is None else value}" for name, value in rows]
    lines.append("")
    lines.append(f"{'fault':<14} {'at op':>6} {'down s':>7} {'1st request s':>14} {'1st event s':>12}")
    for r in figures["recoveries"]:
        request, event = str(r["first_request_s"]), str(r["first_event_s"])
        lines.append(f"{r['fault']:<14} {r['at_operation']:>6} {r['down_s']:>7} {request:>14} {event:>12}")
    return "\n".join(lines)


async def main() -> None:
    platform = Platform(Ports.from_env(), data_dir())
    started = time.monotonic()
    try:
        await platform.start()
    except BaseException:
        await platform.stop()  # what did start (the servers, some services) stops
        raise
    print(f"[reliability] platform up in {time.monotonic() - started:.0f} s", flush=True)
    tally = Tally()
    api = Api({name: p.url for name, p in platform.services.items()}, tally)
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(platform.mongodb_uri)
    try:
        staff, validators, probes = await set_up(api)
        ledger, mailbox = Ledger(), Mailbox(platform.mail.url if platform.mail else "")
        workload = Workload(api, ledger, mailbox, staff, OPERATIONS)
        injector = FaultInjector(platform, api, mongo, probes, lambda: workload.started, OPERATIONS)
        stop_mail = asyncio.Event()
        follower = asyncio.create_task(mailbox.follow(stop_mail))
        flow_started = time.monotonic()
        faults = asyncio.create_task(injector.run())
        faults.add_done_callback(lambda _: workload.faults_done.set())
        await workload.run(CLIENTS)
        flow_s = round(time.monotonic() - flow_started, 1)
        await faults
        stop_mail.set()
        await follower
        findings, settled_s = await settle(Stores(mongo, platform), ledger, mailbox, validators)
        lags = await consumer_lags({name: p.url for name, p in platform.services.items()})
        erased = await erasure(api, mongo, platform, ledger, staff)
        needles = {b.marker: "personal datum" for b in list(ledger.beneficiaries.values())[:200]}
        needles |= {p.marker: "personal datum" for p in list(ledger.peers.values())[:200]}
        needles |= {PASSWORD: "password"}
        needles |= {h["Authorization"].removeprefix("Bearer "): "staff token" for h in api.signed_in_headers()}
        access = PlatformAccess(
            urls={n: p.url for n, p in platform.services.items()},
            operator_token=OPERATOR_TOKEN,
            link_signing_key=LINK_KEY,
            mail_url=platform.mail.url if platform.mail else "",
            log_folder=platform.folder / "logs",
        )
        print("[reliability] security checks: fuzzing, authorization matrix, personal data in logs", flush=True)
        sec = await security.measure(access, needles)
        figures: dict[str, Any] = {
            "operations": ledger.total,
            "operations_by_kind": dict(ledger.operations),
            "clients": CLIENTS,
            "duration_s": flow_s,
            "settle_s": settled_s,
            "faults_injected": len(injector.recoveries),
            "recoveries": [asdict(r) for r in injector.recoveries],
            "lost_effects": len(findings.lost),
            "duplicated_effects": len(findings.duplicated),
            "traces_of_refused_writes": len(findings.traces_of_refused),
            "effects_checked": sum(findings.checked.values()),
            "effects_checked_by_kind": dict(findings.checked),
            "consumer_lag_at_the_end": lags,  # events not yet consumed when the checks were made
            "lost_by_kind": dict(Counter(line.split(":", 1)[0] for line in findings.lost)),
            "lost": findings.lost[:50],
            "duplicated": findings.duplicated[:50],
            "traces": findings.traces_of_refused[:50],
            "writes": {
                "beneficiaries": len(ledger.beneficiaries),
                "peers": len(ledger.peers),
                "introductions": len(ledger.introductions),
                "answers": sum(1 for i in ledger.introductions.values() if i.answer),
                "conventions": len(ledger.conventions),
                "refused": len(ledger.refused_beneficiaries)
                + len(ledger.refused_conventions)
                + len(ledger.refused_pairs),
            },
            "ambiguous_writes": sum(ledger.ambiguous.values()),
            "ambiguous_by_kind": dict(ledger.ambiguous),
            "ambiguous_found_done": dict(ledger.resolved_as_done),
            "answers_seen": dict(tally.statuses),
            "retries": tally.retries,
            "lost_answers": tally.lost_answers,
            "emails_caught": len(mailbox.messages),
            "email_copies_refused_by_message_id": mailbox.duplicates_refused,
            "erasure": erased,
            "erasure_max_s": erased.get("erasure_max_s"),
            **asdict(sec),
        }
        report.record(RESULTS, figures)
        print()
        print(table(figures))
    finally:
        await api.close()
        await mongo.close()
        await platform.stop()


if __name__ == "__main__":
    asyncio.run(main())
