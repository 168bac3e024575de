"""Matching's events in their envelope (the producer's name on every event of its aggregates)."""

from __future__ import annotations

from functools import partial

from services.kit.domain import domain_event

PRODUCER = "matching"

event = partial(domain_event, PRODUCER)
