"""How the harness's clients call the public APIs while servers die under them, and what they retry.

- The request never reached the server (connection refused or not established): always retried.
- A refusal (4xx) is an answer: never retried, the write was refused.
- The answer was lost (read timeout, connection cut mid-request) or is a 5xx: the server may or may not
  have done the write. A safe request (a read, a PATCH of the same values, a link's one-time step whose
  repetition is refused with 409) is sent again. An unsafe one (a create: the APIs have no idempotency
  key, so a create sent twice makes two) is not: the call says `ambiguous` and the workload resolves it
  by looking for what the create would have made (by its unique name) before trying again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

RETRY_FOR_S = 240.0  # a database restart with its engine check takes a minute or two on a busy machine


@dataclass
class Outcome:
    response: httpx.Response | None  # None: no answer could be had (ambiguous, or gave up)
    ambiguous: bool = False
    attempts: int = 1

    @property
    def status(self) -> int:
        return 0 if self.response is None else self.response.status_code

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.is_success

    def json(self) -> Any:
        assert self.response is not None
        return self.response.json()


@dataclass
class Tally:
    """What the clients saw: answers by status, lost answers, retries; and per service the last success."""

    statuses: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    lost_answers: int = 0
    last_success: dict[str, float] = field(default_factory=dict)


class Api:
    """One client of every service, the same retry rules for all."""

    def __init__(self, urls: dict[str, str], tally: Tally) -> None:
        self.clients = {name: httpx.AsyncClient(base_url=url, timeout=20) for name, url in urls.items()}
        self.tally = tally

    async def close(self) -> None:
        await asyncio.gather(*(c.aclose() for c in self.clients.values()))

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        safe: bool,
        headers: dict[str, str] | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Outcome:
        deadline = time.monotonic() + RETRY_FOR_S
        attempts, pause = 0, 0.1
        while True:
            attempts += 1
            try:
                response = await self.clients[service].request(method, path, headers=headers, json=json, params=params)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                response = None  # never reached the server: nothing was done
            except httpx.HTTPError:
                self.tally.lost_answers += 1
                if not safe:
                    return Outcome(None, ambiguous=True, attempts=attempts)
                response = None
            if response is not None:
                self.tally.statuses[f"{response.status_code // 100}xx"] += 1
                if response.status_code < 500:
                    if response.is_success:
                        self.tally.last_success[service] = time.monotonic()
                    return Outcome(response, attempts=attempts)
                if not safe:
                    return Outcome(response, ambiguous=True, attempts=attempts)
            if time.monotonic() > deadline:
                return Outcome(response, ambiguous=not safe, attempts=attempts)
            self.tally.retries += 1
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)
