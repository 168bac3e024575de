"""The envelope that every event on Kafka carries, whatever its payload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def _new_id() -> str:
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """One domain event. `payload` is the versioned body described in `contracts.events`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(default_factory=_new_id, description="UUID, unique per event")
    event_type: str = Field(description="e.g. profiles.agency.registered", min_length=3)
    event_version: int = Field(default=1, ge=1)
    occurred_at: datetime = Field(default_factory=_now, description="UTC")
    aggregate_type: str = Field(min_length=1, description="e.g. agency; the topic is <service>.<aggregate_type>")
    aggregate_id: str = Field(min_length=1, description="the Kafka key: events of one aggregate stay ordered")
    aggregate_version: int = Field(ge=1, description="version of the aggregate after this event")
    tenant_id: str | None = Field(default=None, description="the agency the event belongs to")
    correlation_id: str = Field(default_factory=_new_id)
    causation_id: str | None = Field(default=None, description="event_id of the event that caused this one")
    producer: str = Field(min_length=1, description="the service that published it")
    payload: dict[str, Any] = Field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        return cls.model_validate_json(raw)

    def headers(self) -> dict[str, str]:
        """CloudEvents' Kafka binding, binary-mode-like headers, so tools can route without parsing."""
        headers = {
            "ce_specversion": "1.0",
            "ce_id": self.event_id,
            "ce_type": self.event_type,
            "ce_source": self.producer,
            "ce_time": self.occurred_at.isoformat(),
            "ce_subject": self.aggregate_id,
            "event_version": str(self.event_version),
            "correlation_id": self.correlation_id,
        }
        if self.tenant_id:
            headers["tenant_id"] = self.tenant_id
        return headers
