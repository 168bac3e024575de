"""What the clients did and what the APIs answered: every write accepted (with the effects it must have),
refused (it must leave no trace) or left ambiguous then resolved. The checks read it afterwards."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field


def marker(prefix: str) -> str:
    """A unique name, so that each write can be found in every store (and a refused one found missing)."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@dataclass
class Beneficiary:
    marker: str
    agency: int
    beneficiary_id: str
    created_at: float = field(default_factory=time.monotonic)
    mobility_km: int = 30  # the last value an accepted change set
    has_convention: bool = False


@dataclass
class Peer:
    marker: str
    agency: int
    peer_id: str


@dataclass
class Introduction:
    introduction_id: str
    agency: int
    beneficiary_id: str
    peer_id: str
    answer: str = ""  # "", accepted, declined


@dataclass
class Convention:
    marker: str
    agency: int
    beneficiary_id: str
    convention_id: str
    status: str = "draft"
    signed_by: set[str] = field(default_factory=set)


@dataclass
class Ledger:
    beneficiaries: dict[str, Beneficiary] = field(default_factory=dict)
    peers: dict[str, Peer] = field(default_factory=dict)
    introductions: dict[str, Introduction] = field(default_factory=dict)
    conventions: dict[str, Convention] = field(default_factory=dict)
    attempted_pairs: set[tuple[str, str]] = field(default_factory=set)
    refused_beneficiaries: list[str] = field(default_factory=list)  # markers
    refused_conventions: list[str] = field(default_factory=list)  # markers
    refused_pairs: list[tuple[str, str]] = field(default_factory=list)
    operations: Counter[str] = field(default_factory=Counter)
    ambiguous: Counter[str] = field(default_factory=Counter)  # lost answers to unsafe writes, by kind
    resolved_as_done: Counter[str] = field(default_factory=Counter)  # ... found done when looked up
    busy: set[str] = field(default_factory=set)  # ids a client is working on (one client per entity)

    def pending_of(self, beneficiary_id: str) -> int:
        return sum(1 for i in self.introductions.values() if i.beneficiary_id == beneficiary_id and not i.answer)

    @property
    def total(self) -> int:
        return sum(self.operations.values())
