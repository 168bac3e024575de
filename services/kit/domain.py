"""What every service's domain code shares: wrapping a payload into an event of one of its aggregates,
reporting every problem of a bad input at once, and the refusals every service says the same way (their
HTTP answer is `services.kit.errors`'s to give: this module knows nothing of HTTP)."""

from __future__ import annotations

from pydantic import BaseModel

from services.contracts.envelope import Envelope
from services.kit import context


class InvalidInput(ValueError):
    """Every problem found, each tied to its (dotted) field with a French message, so that a form can show
    them all at once (422). `code` names the kind of problem for programs."""

    code = "invalid_value"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems

    def location(self, field: str) -> list[str]:
        """Where a problem's field is in the request body (a form names its inputs the same way)."""
        return field.split(".")


class Refusal(Exception):
    """A request understood but refused: a status, a stable snake_case code for programs, a French message
    for people, and the field it is about when there is one. Subclasses set the status and a default code."""

    status = 409
    code = "refused"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.extra = extra


class NotFound(Refusal, LookupError):
    """Unknown, or not the caller's to see: both read the same, so that nothing leaks (404)."""

    status = 404
    code = "not_found"


class Conflict(Refusal):
    """The state of things forbids it now: something to do first, or already done (409)."""

    status = 409
    code = "conflict"


class Forbidden(Refusal):
    """The caller may see it but not do this (403)."""

    status = 403
    code = "forbidden"


class Gone(Refusal):
    """It was there and is no more: a used, replaced or expired link, a closed record (410)."""

    status = 410
    code = "gone"


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
