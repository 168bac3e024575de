from __future__ import annotations

import asyncio
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


@pytest.fixture(scope="session")
def platform(
    servers: Servers, mail: MailCatcher, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServiceProcess]]:
    """The four services and the console as processes, as `make run` starts them, on databases of their own.
    As in `make run`, the links in e-mails open the console's pages."""
    run = uuid.uuid4().hex[:6]
    folder = tmp_path_factory.mktemp("platform")
    ports = {name: free_port() for name in SERVICES}
    common = {
        "PARCOURS_KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "PARCOURS_MONGODB_URI": servers.mongodb_uri,
        "PARCOURS_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "PARCOURS_LINK_SIGNING_KEY": LINK_KEY,
        "PARCOURS_JWT_PRIVATE_KEY_FILE": str(ensure_key_file(folder / "jwt.pem")),
        "PARCOURS_AUTH_JWKS_URL": f"http://127.0.0.1:{ports['profiles']}/.well-known/jwks.json",
        "PARCOURS_SMTP_PORT": str(mail.smtp_port),
        "PARCOURS_EMAIL_FIRST_RETRY_SECONDS": "0.5",
        "PARCOURS_EMAIL_SENDING_LEASE_SECONDS": "5",
        "PARCOURS_PUBLIC_URL": f"http://127.0.0.1:{ports['console']}",
        **{f"PARCOURS_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in SERVICES},
    }
    processes = {
        name: ServiceProcess(
            f"services.{name}",
            ports[name],
            {**common, "PARCOURS_MONGODB_DATABASE": f"platform_{run}_{name}"},
            folder / f"{name}.log",
        ).start()
        for name in SERVICES
    }
    try:
        asyncio.run(_all_ready(processes))
        yield processes
    finally:
        for process in processes.values():
            process.stop()


async def _all_ready(processes: dict[str, ServiceProcess]) -> None:
    await asyncio.gather(*(p.wait_ready() for p in processes.values()))


async def _client(process: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=process.url, timeout=20) as client:
        yield client


@pytest.fixture
async def profiles(platform: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(platform["profiles"]):
        yield client


@pytest.fixture
async def matching(platform: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(platform["matching"]):
        yield client


@pytest.fixture
async def placements(platform: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(platform["placements"]):
        yield client
