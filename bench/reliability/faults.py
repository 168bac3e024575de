"""The faults, one after the other while the workload runs: each service killed with SIGKILL and started
again, then the Kafka broker restarted, then the database server restarted. Each fault's recovery is
measured from the moment the process (or server) is back: until the first successful request on the
service, and until the first event flowing again (a change made after the restart, seen in the consuming
service's own store)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient

from bench.reliability import bodies
from bench.reliability.client import Api
from bench.reliability.platform import Platform

FAULTS = ("profiles", "matching", "placements", "notifications", "console", "kafka", "database")
# the request that proves a service answers again, and whose store shows the probe's event arrived
PROBE_READS = {
    "profiles": ("profiles", "/auth/me"),
    "matching": ("matching", "/introductions"),
    "placements": ("placements", "/conventions"),
    "notifications": ("notifications", "/inbox"),
    "console": ("console", "/api/notifications/inbox/unread-count"),
    "kafka": ("profiles", "/auth/me"),
    "database": ("profiles", "/auth/me"),
}
# where a probe beneficiary's change lands (notifications: a probe peer's contact change); a fault of the
# servers or of profiles is watched in placements, whose consumer keeps up under load (matching's falls behind)
EVENT_STORE = {
    "profiles": ("placements", "beneficiaries"),
    "matching": ("matching", "beneficiary_projects"),
    "placements": ("placements", "beneficiaries"),
    "notifications": ("notifications", "peer_contacts"),
    "console": ("console", "funnel_beneficiaries"),
    "kafka": ("placements", "beneficiaries"),
    "database": ("placements", "beneficiaries"),
}
GIVE_UP_S = float(os.environ.get("RELIABILITY_RECOVERY_GIVE_UP_S", "180"))


@dataclass
class Recovery:
    fault: str
    at_operation: int
    down_s: float  # from the kill (or the stop command) until the process or server is back
    first_request_s: float | None  # from back until the first successful request on the service
    first_event_s: float | None  # from back until a change made after it is seen by its consumer


@dataclass
class Probes:
    """A beneficiary and a peer kept for the probes (not part of the ledger's checked writes)."""

    headers: dict[str, str]
    beneficiary_id: str
    peer_id: str
    peer_body: dict[str, Any]
    turn: int = 0


@dataclass
class FaultInjector:
    platform: Platform
    api: Api
    mongo: AsyncMongoClient[dict[str, Any]]
    probes: Probes
    progress: Callable[[], int]
    target: int
    recoveries: list[Recovery] = field(default_factory=list)

    async def run(self) -> None:
        for number, fault in enumerate(FAULTS, start=1):
            threshold = number * self.target // (len(FAULTS) + 1)
            while self.progress() < threshold:  # noqa: ASYNC110 the clients' count, read as it grows
                await asyncio.sleep(0.2)
            print(f"[reliability] fault {number}/{len(FAULTS)}: {fault} at operation {self.progress()}", flush=True)
            self.recoveries.append(await self.inject(fault))
            print(f"[reliability]   {self.recoveries[-1]}", flush=True)

    async def inject(self, fault: str) -> Recovery:
        at, killed = self.progress(), time.monotonic()
        if fault in ("kafka", "database"):
            back = await self.platform.restart_infra(fault)
        else:
            back = await self.platform.kill_and_restart(fault)
        first_request, first_event = await asyncio.gather(
            self._first_request(fault, back), self._first_event(fault, back)
        )
        return Recovery(fault, at, round(back - killed, 2), first_request, first_event)

    async def _first_request(self, fault: str, back: float) -> float | None:
        service, path = PROBE_READS[fault]
        while time.monotonic() - back < GIVE_UP_S:
            answer = await self.api.call(service, "GET", path, safe=True, headers=self.probes.headers)
            if answer.ok:
                return round(time.monotonic() - back, 2)
            await asyncio.sleep(0.05)
        return None

    async def _first_event(self, fault: str, back: float) -> float | None:
        service, collection = EVENT_STORE[fault]
        self.probes.turn += 1
        if service == "notifications":
            aggregate_id = self.probes.peer_id
            body = {**self.probes.peer_body, "testimony": f"Témoignage numéro {self.probes.turn}"}
            body["identity"] = {**body["identity"], "email": f"sonde-{self.probes.turn}@pairs.example.org"}
            changed = await self.api.call(
                "profiles", "PUT", f"/peers/{aggregate_id}", safe=True, json=body, headers=self.probes.headers
            )
        else:
            aggregate_id = self.probes.beneficiary_id
            body = {"project": bodies.project(10 + self.probes.turn)}
            changed = await self.api.call(
                "profiles", "PATCH", f"/beneficiaries/{aggregate_id}", safe=True, json=body, headers=self.probes.headers
            )
        if not changed.ok:
            return None
        version = int(changed.json().get("version", 0))
        store = self.mongo[self.platform.database_of(service)][collection]
        while time.monotonic() - back < GIVE_UP_S:
            try:
                found = await store.find_one({"_id": aggregate_id}, {"version": 1})
            except Exception:  # the database itself restarting: try again
                found = None
            if found is not None and int(found.get("version", 0)) >= version:
                return round(time.monotonic() - back, 2)
            await asyncio.sleep(0.1)
        return None
