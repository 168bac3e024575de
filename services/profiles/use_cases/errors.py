"""What a use case answers when it cannot go on, whatever asked it (the API says it in HTTP); and the clock
use cases read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class NotFound(LookupError):
    """Unknown, or not the caller's to see: both read the same, so that nothing leaks (404)."""


class Conflict(Exception):
    """The state of things forbids it now: something to do first, or already done (409)."""


class Forbidden(Exception):
    """The caller may see it but not do this (403)."""
