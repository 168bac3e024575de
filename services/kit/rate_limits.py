"""Rate limits on the routes anyone may call (signing in, the secure links of e-mails): counts per client
address and per link in fixed windows, kept in the service's database (`rate_limits`, a TTL index forgets
past windows) so that every instance of a service shares them. Over the limit: 429 with `Retry-After` and
a French message. Neither addresses nor links are stored as such: a bucket's id is a digest."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Depends, Request, status
from pymongo import IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from services.kit.errors import ApiRefusal
from services.kit.identity import unavailable
from services.kit.mongo import Document, IndexDeclarations

RATE_LIMITS = "rate_limits"
INDEXES: IndexDeclarations = {RATE_LIMITS: [IndexModel("expires_at", name="forget_past_windows", expireAfterSeconds=0)]}


class RateLimiter:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database[RATE_LIMITS]

    async def hit(self, bucket: str, limit: int, window_seconds: int, now: datetime | None = None) -> int | None:
        """Counts one request in the bucket's current window: None while within `limit`, else the seconds
        until the window ends (for Retry-After)."""
        moment = now or datetime.now(UTC)
        window = int(moment.timestamp()) // window_seconds
        ends = datetime.fromtimestamp((window + 1) * window_seconds, UTC)
        key = hashlib.sha256(f"{bucket}|{window}".encode()).hexdigest()
        for _ in range(2):  # two first hits at once: one inserts, the other counts again
            try:
                counted = await self.collection.find_one_and_update(
                    {"_id": key},
                    {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": ends + timedelta(seconds=window_seconds)}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
                break
            except DuplicateKeyError:
                continue
        else:
            return None
        if counted is None or int(counted["count"]) <= limit:
            return None
        return max(1, math.ceil((ends - moment).total_seconds()))


def client_address(request: Request) -> str:
    """The caller's address: behind the console (or another proxy the server trusts), the one it names."""
    return request.client.host if request.client else "unknown"


def _refuse(retry_after: int) -> ApiRefusal:
    return ApiRefusal(
        status.HTTP_429_TOO_MANY_REQUESTS,
        "too_many_requests",
        f"Trop de demandes en peu de temps : réessayez dans {retry_after} secondes.",
        headers={"Retry-After": str(retry_after)},
    )


async def _check(request: Request, bucket: str, limit: int) -> None:
    if limit <= 0:
        return  # 0: no limit
    limiter: RateLimiter = request.app.state.rate_limiter
    window: int = request.app.state.settings.rate_limit_window_seconds
    try:
        retry_after = await limiter.hit(bucket, limit, window)
    except PyMongoError as error:
        raise unavailable() from error
    if retry_after is not None:
        raise _refuse(retry_after)


async def _login_limit(request: Request) -> None:
    settings = request.app.state.settings
    await _check(request, f"login:address:{client_address(request)}", settings.rate_limit_login_per_address)


async def _link_limit(request: Request) -> None:
    settings = request.app.state.settings
    await _check(request, f"links:address:{client_address(request)}", settings.rate_limit_links_per_address)
    token = str(request.path_params.get("token", ""))
    if token:
        await _check(request, f"links:link:{token}", settings.rate_limit_links_per_link)


LOGIN_RATE_LIMIT: Any = Depends(_login_limit)  # on signing in (per address)
LINK_RATE_LIMIT: Any = Depends(_link_limit)  # on a router of secure-link routes (per address and per link)
