"""The four services as real processes, as `make run` starts them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from tests.conftest import Servers, free_port, local_infra_env, run_infra
from tests.integration.conftest import LINK_KEY, Platform
from tests.integration.conftest import OPERATOR_TOKEN as TOKEN
from tests.integration.support import ServiceProcess, wait_until

pytestmark = pytest.mark.integration


async def test_an_agency_registered_in_profiles_reaches_the_three_other_services(
    servers: Servers, platform: dict[str, ServiceProcess], whole_platform: Platform
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(headers=auth, timeout=5) as http:
        created = await http.post(
            f"{platform['profiles'].url}/agencies",
            json={"name": "Mission locale de Saint-Nazaire", "kind": "mission_locale", "region_code": "52"},
            headers={"X-Correlation-ID": "corr-roundtrip"},
        )
        assert created.status_code == 201, created.text
        agency_id = created.json()["agency_id"]
        assert created.headers["X-Correlation-ID"] == "corr-roundtrip"

        for name in ("matching", "placements", "notifications"):

            async def known(name: str = name) -> bool:
                listed = await http.get(f"{platform[name].url}/directory/agencies")
                return any(a["agency_id"] == agency_id for a in listed.json())

            await wait_until(known, timeout=30, what=f"{name} to learn the agency")

        async def metrics(name: str) -> str:  # of every instance: whichever consumed or published it counts it
            return "".join([(await http.get(f"{p.url}/metrics")).text for p in whole_platform.instances[name]])

        consumed = 'parcours_events_consumed_total{outcome="applied",service="matching",topic="profiles.agency"}'
        assert consumed in await metrics("matching")
        published = 'parcours_events_published_total{service="profiles",topic="profiles.agency"}'
        assert published in await metrics("profiles")

        refused = await http.get(
            f"{platform['matching'].url}/directory/agencies", headers={"Authorization": "Bearer x"}
        )
        assert refused.status_code == 401

    records = await read_topic(
        servers.kafka_bootstrap_servers, "profiles.agency", lambda r: r.key == agency_id.encode()
    )
    event = Envelope.from_bytes(records[0].value)
    assert event.correlation_id == "corr-roundtrip", "the request's correlation id travels in the event"
    assert event.tenant_id == agency_id and event.producer == "profiles"


async def test_a_service_started_while_kafka_and_the_database_are_down_becomes_ready_when_they_come_back(
    tmp_path: Path,
) -> None:
    kafka_port, controller_port, mongo_port = free_port(), free_port(), free_port()
    service = ServiceProcess(
        "services.matching",
        free_port(),
        {
            "PARCOURS_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_port}",
            "PARCOURS_MONGODB_URI": f"mongodb://127.0.0.1:{mongo_port}",
            "PARCOURS_MONGODB_TIMEOUT_MS": "500",
            "PARCOURS_STARTUP_BACKOFF_MAX_SECONDS": "2",
            "PARCOURS_LINK_SIGNING_KEY": LINK_KEY,
        },
        tmp_path / "matching.log",
    ).start()
    infra_env = local_infra_env(tmp_path / "late-infra", kafka_port, controller_port, mongo_port, free_port())
    try:
        async with httpx.AsyncClient(base_url=service.url, timeout=5) as http:

            async def alive() -> bool:
                try:
                    return (await http.get("/healthz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await wait_until(alive, timeout=30, what="the service to answer /healthz")
            readiness = await http.get("/readyz")
            assert readiness.status_code == 503
            checks = readiness.json()["checks"]
            assert checks["kafka"]["ok"] is False and checks["database"]["ok"] is False

            async def logged_clearly() -> bool:
                log = service.log()
                return "Kafka at 127.0.0.1:" in log and "is not reachable" in log and "retrying in" in log

            await wait_until(logged_clearly, timeout=15, what="a clear error in the log")

            started = run_infra("up", infra_env)
            assert started.returncode == 0, started.stderr
            await service.wait_ready(timeout=90)
            assert (await http.get("/readyz")).json()["status"] == "ready"
    finally:
        service.stop()
        run_infra("down", infra_env)
