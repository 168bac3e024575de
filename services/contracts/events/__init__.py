"""Versioned event payloads. Additive changes only within a version; a breaking change is a new
version published beside the old one. Golden fixtures in tests/contract guard each version."""

from services.contracts.events.registry import REGISTRY, EventContract, parse_payload

__all__ = ["REGISTRY", "EventContract", "parse_payload"]
