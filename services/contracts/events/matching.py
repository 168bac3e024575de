"""Payloads published by the matching service."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SuggestionOfferedV1(BaseModel):
    """A peer newly entered a beneficiary's top list (not sent again while they stay in it)."""

    model_config = ConfigDict(extra="ignore")

    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    peer_id: str
    rank: int = Field(ge=1)
    score: float
    reasons: list[str] = Field(description="in French, without personal data: jobs, distances, languages")
