"""Who takes a step of an aggregate's life cycle, and the refusal when it is not theirs to take."""

from __future__ import annotations

from enum import StrEnum


class Actor(StrEnum):
    COUNSELLOR = "counsellor"  # the beneficiary's agency's staff
    PEER = "peer"  # by the secure link of their e-mail
    SYSTEM = "system"  # the platform: an event, the sweep, an erasure
    ADMIN = "admin"  # the beneficiary's agency's admin: reviews a concern reported about a meeting


class NotYours(Exception):
    """This actor does not take this step (409: no route lets it, so it is a state of things, not a form)."""
