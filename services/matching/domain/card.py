"""What a suggestion card shows besides the score and its reasons: the peer's town and how far it is from
the beneficiary, and how the peer meets. Pure: from the views matching keeps."""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.domain.score import Scored, distance_km
from services.reference import labels

MODE_ORDER = ("in_person", "company_visit", "video", "phone")


@dataclass(frozen=True)
class SuggestionCard:
    scored: Scored
    town: str  # empty when the peer gave none
    distance_km: int | None  # None without the peer's coordinates
    meeting_modes: tuple[str, ...]  # the peer's, in a stable order
    shared_modes: tuple[str, ...]  # those the beneficiary accepts too


def card(scored: Scored, beneficiary: BeneficiaryView, peer: PeerView | None) -> SuggestionCard:
    if peer is None:  # left memory between the ranking and this read: the card keeps its score
        return SuggestionCard(scored, "", None, (), ())
    km = (
        round(distance_km(beneficiary.latitude, beneficiary.longitude, peer.latitude, peer.longitude))
        if peer.latitude is not None and peer.longitude is not None
        else None
    )
    modes = tuple(m for m in MODE_ORDER if m in peer.meeting_modes)
    return SuggestionCard(
        scored,
        labels.place(peer.place_id),
        km,
        modes,
        tuple(m for m in modes if m in beneficiary.meeting_modes),
    )
