"""Correlation and tenant ids that follow a request into its events, and an event into the next ones."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class TraceContext:
    correlation_id: str
    tenant_id: str | None = None
    causation_id: str | None = None


_current: ContextVar[TraceContext | None] = ContextVar("parcours_trace", default=None)


def current() -> TraceContext:
    """The context of the request or event being handled, or a fresh one outside any."""
    return _current.get() or TraceContext(correlation_id=str(uuid.uuid4()))


@contextmanager
def bound(context: TraceContext) -> Iterator[TraceContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
