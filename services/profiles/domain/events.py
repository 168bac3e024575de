"""How the profiles service wraps a payload into an event of one of its aggregates, and reports bad input."""

from __future__ import annotations

from functools import partial

from services.kit.domain import InvalidInput, domain_event

PRODUCER = "profiles"

event = partial(domain_event, PRODUCER)

__all__ = ["PRODUCER", "InvalidInput", "event"]
