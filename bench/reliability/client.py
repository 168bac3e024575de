"""How the harness's clients call the public APIs while servers die under them, and what they retry.

- The request never reached the server (connection refused or not established): always retried.
- A refusal (4xx) is an answer: never retried, the write was refused.
- A 401 on a signed-in call: the access token ran out (they last 15 minutes, the run longer); the
  client signs in again once with the account's password and sends the request again.
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


@dataclass
class Account:
    """A staff member the harness signs in as; `headers` is shared by every call made as them and is
    renewed in place when its token runs out."""

    email: str
    password: str
    headers: dict[str, str] = field(default_factory=dict)
    renewing: asyncio.Lock = field(default_factory=asyncio.Lock)


class Api:
    """One client of every service, the same retry rules for all."""

    def __init__(self, urls: dict[str, str], tally: Tally) -> None:
        self.clients = {name: httpx.AsyncClient(base_url=url, timeout=20) for name, url in urls.items()}
        self.tally = tally
        self.accounts: dict[int, Account] = {}  # id of an account's headers -> the account

    async def sign_in(self, email: str, password: str) -> dict[str, str]:
        """The headers of a signed-in account, renewed by `call` whenever a 401 says its token ran out."""
        account = Account(email, password)
        await self._log_in(account)
        self.accounts[id(account.headers)] = account
        return account.headers

    def signed_in_headers(self) -> list[dict[str, str]]:
        return [account.headers for account in self.accounts.values()]

    async def _log_in(self, account: Account) -> None:
        body = {"email": account.email, "password": account.password}
        answer = await self.call("profiles", "POST", "/auth/login", safe=True, json=body)
        assert answer.ok, f"signing in again answered {answer.status}"
        account.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    async def _renewed(self, headers: dict[str, str] | None, sent_with: str) -> bool:
        """After a 401: the account signs in again (once for all the calls that met the same expiry)."""
        account = self.accounts.get(id(headers)) if headers is not None else None
        if account is None:
            return False
        async with account.renewing:
            if account.headers.get("Authorization") == sent_with:
                await self._log_in(account)
        return True

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
        attempts, pause, renewed = 0, 0.1, False
        while True:
            attempts += 1
            sent_with = (headers or {}).get("Authorization", "")
            try:
                response = await self.clients[service].request(method, path, headers=headers, json=json, params=params)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                response = None  # never reached the server: nothing was done
            except httpx.HTTPError:
                self.tally.lost_answers += 1
                if not safe:
                    return Outcome(None, ambiguous=True, attempts=attempts)
                response = None
            if response is not None and response.status_code == 401 and not renewed:
                renewed = await self._renewed(headers, sent_with)
                if renewed:
                    continue
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
