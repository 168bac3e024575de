"""Real servers for the integration tests, found or started once per session.

Order: KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI when both are set; else testcontainers when a Docker
engine answers; else the local Kafka and database engine of deploy/local (FerretDB v2 on PostgreSQL with
DocumentDB), on test ports and a test data folder (PARCOURS_TEST_DATA_DIR, default .data/test).
With CI=true (or PARCOURS_REQUIRE_SERVERS=1) a server that cannot be had is an error, never a skip."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVERS = (
    os.environ.get("CI", "").lower() in {"1", "true", "yes"} or os.environ.get("PARCOURS_REQUIRE_SERVERS") == "1"
)


@dataclass(frozen=True)
class Servers:
    kafka_bootstrap_servers: str
    mongodb_uri: str
    origin: str


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVERS:
        pytest.fail(f"integration servers unavailable (CI requires them): {reason}", pytrace=False)
    pytest.skip(f"integration servers unavailable: {reason}")


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def local_infra_env(
    data_dir: Path, kafka_port: int, controller_port: int, mongo_port: int, postgres_port: int | None = None
) -> dict[str, str]:
    env = {
        **os.environ,
        "PARCOURS_DATA_DIR": str(data_dir),
        "PARCOURS_KAFKA_PORT": str(kafka_port),
        "PARCOURS_KAFKA_CONTROLLER_PORT": str(controller_port),
        "PARCOURS_MONGO_PORT": str(mongo_port),
    }
    if postgres_port is not None:
        env["PARCOURS_POSTGRES_PORT"] = str(postgres_port)
    return env


def run_infra(command: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "deploy/local/infra.sh"), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    kafka, mongo = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URI")
    if kafka and mongo:
        host, _, port = kafka.split(",")[0].rpartition(":")
        if not port_answers(host or "127.0.0.1", int(port)):
            _unavailable(f"KAFKA_BOOTSTRAP_SERVERS={kafka} does not answer")
        yield Servers(kafka, mongo, "environment")
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer
        from testcontainers.mongodb import MongoDbContainer

        with KafkaContainer().with_kraft() as kafka_container, MongoDbContainer() as mongo_container:
            yield Servers(
                kafka_container.get_bootstrap_server(),
                mongo_container.get_connection_url() + "/?authSource=admin",
                "testcontainers",
            )
        return
    env = local_infra_env(
        Path(os.environ.get("PARCOURS_TEST_DATA_DIR", ROOT / ".data/test")),
        int(os.environ.get("PARCOURS_TEST_KAFKA_PORT", "19092")),
        int(os.environ.get("PARCOURS_TEST_KAFKA_CONTROLLER_PORT", "19093")),
        int(os.environ.get("PARCOURS_TEST_MONGO_PORT", "27019")),
    )
    already_running = "running" in run_infra("status", env).stdout.split("\n")[0]
    if not already_running:
        run_infra("reset", env)  # a clean slate each session: topics and databases from earlier runs go
    started = time.monotonic()
    result = run_infra("up", env)
    if result.returncode != 0:
        _unavailable(f"deploy/local/infra.sh up failed:\n{result.stderr[-3000:]}")
    print(f"\nlocal test servers ready in {time.monotonic() - started:.1f} s")
    try:
        yield Servers(
            f"127.0.0.1:{env['PARCOURS_KAFKA_PORT']}", f"mongodb://127.0.0.1:{env['PARCOURS_MONGO_PORT']}", "local"
        )
    finally:
        if not already_running and os.environ.get("PARCOURS_KEEP_TEST_SERVERS") != "1":
            run_infra("down", env)
