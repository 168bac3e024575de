"""Helpers for tests against the real servers: settings, runtimes, reading topics, waiting."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings
from tests.conftest import ROOT, Servers


def settings_for(servers: Servers, name: str = "svc", **overrides: Any) -> ServiceSettings:
    """A service with its own database and consumer group, so tests never see each other's state."""
    unique = f"test-{name}-{uuid.uuid4().hex[:8]}"
    return ServiceSettings(
        service_name=unique,
        kafka_bootstrap_servers=servers.kafka_bootstrap_servers,
        mongodb_uri=servers.mongodb_uri,
        consumer_retry_backoff_seconds=0.05,
        relay_sweep_seconds=0.2,
        **overrides,
    )


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def running(runtime: ServiceRuntime, timeout: float = 60) -> AsyncIterator[ServiceRuntime]:
    await runtime.start()
    try:
        await wait_until(_ready(runtime), timeout, f"{runtime.settings.service_name} to be ready")
        yield runtime
    finally:
        await runtime.stop()


def _ready(runtime: ServiceRuntime) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return runtime.kafka_ready and runtime.database_ready

    return check


class ServiceProcess:
    """A service started as its own process (`python -m services.<name>`), as `make run` starts it."""

    def __init__(self, module: str, port: int, env: dict[str, str], log_path: Path) -> None:
        self.module, self.port, self.log_path = module, port, log_path
        self.env = {**os.environ, **env, "PARCOURS_HTTP_PORT": str(port), "PARCOURS_LOG_JSON": "true"}
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> ServiceProcess:
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module], env=self.env, cwd=ROOT, stdout=log_file, stderr=log_file
            )
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def wait_ready(self, timeout: float = 60) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:

            async def ready() -> bool:
                assert self.process is not None and self.process.poll() is None, f"{self.module} died:\n{self.log()}"
                try:
                    return (await client.get("/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await wait_until(ready, timeout, f"{self.module} to be ready")


async def accept_charter(profiles: httpx.AsyncClient, peer_id: str, key: str = "") -> dict[str, Any]:
    """The peer accepts the peers' charter in force from their own link (as the e-mail they receive opens it):
    matching suggests them from then on."""
    from services.contracts.links import PEER_PROFILE
    from services.reference.charter import CURRENT
    from tests.integration.conftest import LINK_KEY

    token = PEER_PROFILE.token(key or LINK_KEY, peer_id, PEER_PROFILE.expires_at(datetime.now(UTC)))
    answer = await profiles.post(f"/links/peers/{token}/charter", json={"version": CURRENT.version})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())
