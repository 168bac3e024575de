"""What matching knows of beneficiaries and peers: plain values, built from profiles' events."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # training, job, apprenticeship, immersion, unemployment, other
    rome_code: str | None
    start_month: str
    end_month: str | None
    transition: str  # chosen | imposed
    employer_id: str | None = None  # the SIREN, or a digest of the employer's name: who, never the name


@dataclass(frozen=True, slots=True)
class Reliability:
    """Past introductions of a peer, kept by matching's introductions."""

    proposed: int = 0
    answered: int = 0
    meetings: int = 0
    useful_sum: int = 0
    ratings: int = 0
    answer_hours: float = 0.0  # summed over the answered ones
    no_shows: int = 0  # meetings the peer did not come to, as the beneficiary's side reported


@dataclass(frozen=True, slots=True)
class PeerView:
    peer_id: str
    agency_id: str
    region_code: str
    kind: str
    visibility: str  # agency | region
    vetted: bool
    meeting_modes: frozenset[str]
    capacity_per_month: int
    paused: bool
    languages: frozenset[str]
    latitude: float | None
    longitude: float | None
    path: tuple[Step, ...]
    reliability: Reliability = field(default_factory=Reliability)
    place_id: str | None = None  # the peer's town, for the suggestion cards (the distance uses the coordinates)


@dataclass(frozen=True, slots=True)
class BeneficiaryView:
    beneficiary_id: str
    agency_id: str
    region_code: str
    minor: bool
    latitude: float
    longitude: float
    mobility_km: int
    situation: str
    education_level: str
    target_jobs: tuple[str, ...]
    sectors: tuple[str, ...]
    meeting_modes: frozenset[str]
    languages: frozenset[str]
    matching_consent: bool
    previous_jobs: tuple[str, ...] = ()  # ROME codes of the jobs held before, most recent first
    transition: str | None = None  # the move being made now: chosen | imposed; None when not said


@dataclass(frozen=True, slots=True)
class PeerLoad:
    """How busy a peer is: introductions booked this month, and how many top lists show them now."""

    booked: int = 0
    listed_in: int = 0
