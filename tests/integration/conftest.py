from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.contracts.topics import all_topic_names
from services.kit import kafka_admin, logs
from services.profiles.adapters.tokens import ensure_key_file
from tests.conftest import Servers, free_port
from tests.integration.support import ServiceProcess

OPERATOR_TOKEN = "test-operator-token"
# PARCOURS_TEST_INSTANCES=2 runs the platform with two instances of every service: the console forwards to
# both in turn, and the tests' clients alternate between them request by request.
INSTANCES = int(os.environ.get("PARCOURS_TEST_INSTANCES", "1"))
LINK_KEY = "test-link-signing-key-of-at-least-32-characters"
SERVICES = ("profiles", "matching", "placements", "notifications", "console")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Bulk tests run last: the backlog of events they leave (10,000 peers) would delay the others."""
    items.sort(key=lambda item: item.get_closest_marker("bulk") is not None)


@pytest.fixture(autouse=True, scope="session")
def _readable_logs() -> None:
    logs.configure("tests", "WARNING", as_json=False)


@pytest.fixture(autouse=True, scope="session")
def _topics(servers: Servers) -> None:
    """The catalogue's topics exist before any test produces, as a service's start-up would ensure."""
    kafka_admin.provision_topics(servers.kafka_bootstrap_servers, all_topic_names(), 3, 1)


@dataclass(frozen=True)
class MailCatcher:
    """The local SMTP server that catches every e-mail (as `make run` starts it)."""

    process: ServiceProcess
    smtp_port: int

    def start(self) -> None:
        self.process.start()
        asyncio.run(self.process.wait_ready())

    async def restart(self) -> None:
        self.process.start()
        await self.process.wait_ready()

    async def messages(self) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=self.process.url, timeout=5) as client:
            return list((await client.get("/messages")).json()["messages"])


@pytest.fixture(scope="session")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailCatcher]:
    folder = tmp_path_factory.mktemp("mail")
    http_port, smtp_port = free_port(), free_port()
    env = {
        "PARCOURS_DATA_DIR": str(folder),
        "PARCOURS_MAILCATCHER_HTTP_PORT": str(http_port),
        "PARCOURS_MAILCATCHER_SMTP_PORT": str(smtp_port),
    }
    catcher = MailCatcher(
        ServiceProcess("services.notifications.mailcatcher", http_port, env, folder / "catcher.log"), smtp_port
    )
    catcher.start()
    try:
        yield catcher
    finally:
        catcher.process.stop()


@dataclass
class Platform:
    """Every instance of every service (`INSTANCES` each), and how to start one more."""

    instances: dict[str, list[ServiceProcess]]
    env: dict[str, dict[str, str]]
    folder: Any

    def first(self) -> dict[str, ServiceProcess]:
        return {name: processes[0] for name, processes in self.instances.items()}

    def another(self, name: str) -> ServiceProcess:
        """One more instance of a service, on the same database and consumer group (the caller starts it)."""
        number = len(self.instances[name]) + 1
        process = ServiceProcess(f"services.{name}", free_port(), self.env[name], self.folder / f"{name}-{number}.log")
        self.instances[name].append(process)
        return process


@pytest.fixture(scope="session")
def whole_platform(servers: Servers, mail: MailCatcher, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The four services and the console as processes, as `make run` starts them, on databases of their own.
    As in `make run`, the links in e-mails open the console's pages."""
    run = uuid.uuid4().hex[:6]
    folder = tmp_path_factory.mktemp("platform")
    ports = {name: [free_port() for _ in range(INSTANCES)] for name in SERVICES}
    urls = {name: [f"http://127.0.0.1:{port}" for port in ports[name]] for name in SERVICES}
    common = {
        "PARCOURS_KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "PARCOURS_MONGODB_URI": servers.mongodb_uri,
        "PARCOURS_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "PARCOURS_LINK_SIGNING_KEY": LINK_KEY,
        "PARCOURS_JWT_PRIVATE_KEY_FILE": str(ensure_key_file(folder / "jwt.pem")),
        "PARCOURS_AUTH_JWKS_URL": f"{urls['profiles'][0]}/.well-known/jwks.json",
        "PARCOURS_SMTP_PORT": str(mail.smtp_port),
        "PARCOURS_EMAIL_FIRST_RETRY_SECONDS": "0.5",
        "PARCOURS_EMAIL_SENDING_LEASE_SECONDS": "5",
        "PARCOURS_RELAY_SWEEP_SECONDS": "0.2",
        "PARCOURS_PUBLIC_URL": urls["console"][0],
        **{f"PARCOURS_{name.upper()}_URL": ",".join(urls[name]) for name in SERVICES},
    }
    env = {name: {**common, "PARCOURS_MONGODB_DATABASE": f"platform_{run}_{name}"} for name in SERVICES}
    instances = {
        name: [
            ServiceProcess(f"services.{name}", port, env[name], folder / f"{name}-{number}.log").start()
            for number, port in enumerate(ports[name], start=1)
        ]
        for name in SERVICES
    }
    whole = Platform(instances, env, folder)
    try:
        asyncio.run(_all_ready([p for processes in instances.values() for p in processes]))
        yield whole
    finally:
        for processes in whole.instances.values():
            for process in processes:
                process.stop()


@pytest.fixture(scope="session")
def platform(whole_platform: Platform) -> dict[str, ServiceProcess]:
    """The first instance of each service (tests that stop, restart or read the log of one process)."""
    return whole_platform.first()


async def _all_ready(processes: list[ServiceProcess]) -> None:
    # five processes importing at once on a shared two-core machine may take minutes: a generous deadline
    await asyncio.gather(*(p.wait_ready(timeout=240) for p in processes))


class Alternating(httpx.AsyncBaseTransport):
    """Sends each request to the next instance of the service in turn (one instance: always that one)."""

    def __init__(self, processes: list[ServiceProcess]) -> None:
        self.ports = itertools.cycle([p.port for p in processes])
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(port=next(self.ports))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _client(processes: list[ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    transport = Alternating(processes)
    async with httpx.AsyncClient(base_url=processes[0].url, transport=transport, timeout=20) as client:
        yield client


@pytest.fixture
async def profiles(whole_platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(whole_platform.instances["profiles"]):
        yield client


@pytest.fixture
async def matching(whole_platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(whole_platform.instances["matching"]):
        yield client


@pytest.fixture
async def placements(whole_platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(whole_platform.instances["placements"]):
        yield client
