"""What every service's domain code shares: wrapping a payload into an event of one of its aggregates,
and reporting every problem of a bad input at once."""

from __future__ import annotations

from pydantic import BaseModel

from services.contracts.envelope import Envelope
from services.kit import context


class InvalidInput(ValueError):
    """Every problem found, each tied to its field, so that a form can show them all at once."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


def domain_event(
    producer: str,
    event_type: str,
    aggregate_type: str,
    aggregate_id: str,
    version: int,
    tenant_id: str,
    payload: BaseModel,
) -> Envelope:
    """The event in its envelope, carrying the trace of the request or event that caused it."""
    trace = context.current()
    return Envelope(
        event_type=event_type,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        aggregate_version=version,
        tenant_id=tenant_id,
        correlation_id=trace.correlation_id,
        causation_id=trace.causation_id,
        producer=producer,
        payload=payload.model_dump(mode="json"),
    )
