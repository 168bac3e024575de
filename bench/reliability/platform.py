"""The harness's own platform: Kafka and the database on ports of their own (`deploy/local/infra.sh`), the
mail catcher, and the four services and the console as processes, as `make run` starts them; and the
faults: a service killed with SIGKILL then started again, the broker or the database server restarted on
its data."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.profiles.adapters.tokens import ensure_key_file

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "deploy" / "local" / "infra.sh"
SERVICES = ("profiles", "matching", "placements", "notifications", "console")
OPERATOR_TOKEN = "reliability-operator-token"
LINK_KEY = "reliability-link-signing-key-of-at-least-32-characters"


@dataclass(frozen=True)
class Ports:
    """Every port of the harness's platform; the defaults collide with neither `make run` (27017, 9092),
    the tests (27019, 19092) nor the benchmarks (27029, 29092)."""

    mongo: int
    kafka: int
    controller: int
    http_base: int

    @classmethod
    def from_env(cls) -> Ports:
        return cls(
            mongo=int(os.environ.get("RELIABILITY_MONGO_PORT", "27039")),
            kafka=int(os.environ.get("RELIABILITY_KAFKA_PORT", "39092")),
            controller=int(os.environ.get("RELIABILITY_KAFKA_CONTROLLER_PORT", "39093")),
            http_base=int(os.environ.get("RELIABILITY_HTTP_PORT_BASE", "26000")),
        )

    def service(self, name: str) -> int:
        return self.http_base + 1 + SERVICES.index(name)

    @property
    def mail_http(self) -> int:
        return self.http_base + 25

    @property
    def smtp(self) -> int:
        return self.http_base + 26


def data_dir() -> Path:
    return Path(os.environ.get("RELIABILITY_DATA_DIR", str(ROOT / ".data" / "reliability"))).resolve()


@dataclass
class Process:
    """One process of the platform, its log appended across restarts."""

    module: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module], env=self.env, cwd=ROOT, stdout=log_file, stderr=log_file
            )

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, whatever the process was doing is cut short."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    async def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while True:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(f"{self.module} exited during start-up; see {self.log_path}")
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.module} not ready after {timeout} s; see {self.log_path}")
                await asyncio.sleep(0.2)


async def port_answers(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return True
        except OSError:
            await asyncio.sleep(0.5)
    return False


async def consumer_lags(urls: dict[str, str]) -> dict[str, float]:
    """Each service's consumer lag (events not yet consumed, from its /metrics), summed over its topics."""
    lags: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for name, url in urls.items():
            try:
                text = (await client.get(f"{url}/metrics")).text
            except httpx.HTTPError:
                continue
            lines = [line for line in text.splitlines() if line.startswith("parcours_consumer_lag{")]
            lags[name] = sum(float(line.rsplit(" ", 1)[1]) for line in lines)
    return lags


@dataclass
class Platform:
    ports: Ports
    folder: Path
    services: dict[str, Process] = field(default_factory=dict)
    mail: Process | None = None

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.ports.mongo}"

    def database_of(self, service: str) -> str:
        return f"reliability_{service}"

    def infra_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PARCOURS_DATA_DIR": str(self.folder),
            "PARCOURS_MONGO_PORT": str(self.ports.mongo),
            "PARCOURS_KAFKA_PORT": str(self.ports.kafka),
            "PARCOURS_KAFKA_CONTROLLER_PORT": str(self.ports.controller),
        }

    async def infra(self, command: str) -> None:
        """`infra.sh <command>` on the harness's data folder and ports."""
        run = await asyncio.create_subprocess_exec("bash", str(INFRA), command, env=self.infra_env())
        if await run.wait() != 0:
            raise RuntimeError(f"infra.sh {command} failed")

    async def start(self) -> None:
        await self.infra("reset")
        try:
            await self.infra("up")
        except RuntimeError:  # a busy machine: Kafka may take longer than the script waits
            for what, port in (("kafka", self.ports.kafka), ("database", self.ports.mongo)):
                if not await port_answers(port, timeout=300):
                    await self.infra(f"{what}-up")
        logs = self.folder / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        mail_env = {
            **os.environ,
            "PARCOURS_DATA_DIR": str(self.folder),
            "PARCOURS_MAILCATCHER_HTTP_PORT": str(self.ports.mail_http),
            "PARCOURS_MAILCATCHER_SMTP_PORT": str(self.ports.smtp),
        }
        self.mail = Process("services.notifications.mailcatcher", self.ports.mail_http, mail_env, logs / "mail.log")
        self.mail.start()
        urls = {name: f"http://127.0.0.1:{self.ports.service(name)}" for name in SERVICES}
        common = {
            **os.environ,
            "PARCOURS_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{self.ports.kafka}",
            "PARCOURS_MONGODB_URI": self.mongodb_uri,
            "PARCOURS_OPERATOR_TOKEN": OPERATOR_TOKEN,
            "PARCOURS_LINK_SIGNING_KEY": LINK_KEY,
            "PARCOURS_JWT_PRIVATE_KEY_FILE": str(ensure_key_file(self.folder / "keys" / "jwt.pem")),
            "PARCOURS_AUTH_JWKS_URL": f"{urls['profiles']}/.well-known/jwks.json",
            "PARCOURS_SMTP_PORT": str(self.ports.smtp),
            "PARCOURS_EMAIL_FIRST_RETRY_SECONDS": "0.5",
            "PARCOURS_EMAIL_SENDING_LEASE_SECONDS": "5",
            "PARCOURS_RELAY_SWEEP_SECONDS": "0.5",
            "PARCOURS_PUBLIC_URL": urls["console"],
            "PARCOURS_LOG_JSON": "true",
            **{f"PARCOURS_{name.upper()}_URL": url for name, url in urls.items()},
        }
        for name in SERVICES:
            env = {
                **common,
                "PARCOURS_MONGODB_DATABASE": self.database_of(name),
                "PARCOURS_HTTP_PORT": str(self.ports.service(name)),
            }
            self.services[name] = Process(f"services.{name}", self.ports.service(name), env, logs / f"{name}.log")
            self.services[name].start()
        await asyncio.gather(self.mail.wait_ready(), *(p.wait_ready() for p in self.services.values()))

    async def stop(self) -> None:
        for process in [*self.services.values(), *([self.mail] if self.mail else [])]:
            process.stop()
        await self.infra("down")

    async def kill_and_restart(self, service: str) -> float:
        """SIGKILL the service, start it again at once; the moment it was started again (monotonic)."""
        process = self.services[service]
        process.kill()
        process.start()
        return time.monotonic()

    async def restart_infra(self, what: str) -> float:
        """`kafka` or `database`: stopped and started on its data; the moment it answers again. On a busy
        machine the start may outlast the script's own wait (90 s for Kafka): it is waited for longer."""
        try:
            await self.infra(f"{what}-restart")
        except RuntimeError:
            port = self.ports.kafka if what == "kafka" else self.ports.mongo
            if not await port_answers(port, timeout=300):
                await self.infra(f"{what}-up")
        return time.monotonic()
