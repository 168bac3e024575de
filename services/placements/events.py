"""Placements' events in their envelope."""

from __future__ import annotations

from functools import partial

from services.kit.domain import domain_event

PRODUCER = "placements"

event = partial(domain_event, PRODUCER)
