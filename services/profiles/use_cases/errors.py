"""What a use case answers when it cannot go on, whatever asked it (the API says it in HTTP); and the clock
use cases read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from services.kit.domain import Conflict, Forbidden, NotFound

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


__all__ = ["Clock", "Conflict", "Forbidden", "NotFound", "utc_now"]
