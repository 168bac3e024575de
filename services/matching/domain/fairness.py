"""Capacity and fair load: a peer is never suggested beyond their free slots this month, and is put
forward in at most as many beneficiaries' top lists as those free slots allow, times a factor."""

from __future__ import annotations

import math

from services.matching.domain.model import PeerLoad, PeerView

DEFAULT_FAIRNESS = 3.0  # top lists per free slot: a list is a suggestion, not yet an introduction


def fair_share(capacity_per_month: int, booked: int, factor: float) -> int:
    return math.ceil(max(0, capacity_per_month - booked) * factor)


def available(peer: PeerView, load: PeerLoad, already_listed: bool, factor: float = DEFAULT_FAIRNESS) -> bool:
    """Free capacity this month, and room in the fair share unless this list already shows the peer."""
    if load.booked >= peer.capacity_per_month:
        return False
    return already_listed or load.listed_in < fair_share(peer.capacity_per_month, load.booked, factor)
