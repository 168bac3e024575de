"""Conventions as plain values for the placements unit tests: no database, no server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from services.placements.api.conventions import EXAMPLE
from services.placements.domain.convention import Convention, Entry
from services.placements.domain.lifecycle import Status
from services.placements.domain.terms import Terms

CREATED = datetime(2027, 1, 4, 9, tzinfo=UTC)


def terms(**changes: Any) -> Terms:
    body = {k: v for k, v in EXAMPLE.items() if k != "beneficiary_id"}
    return Terms.model_validate({**body, **changes})


def a_convention(status: Status = Status.DRAFT, **changes: Any) -> Convention:
    """A convention of the Nantes agency at version 3, in `status`."""
    made = Convention(
        id="c1",
        agency_id="nantes",
        beneficiary_id="b1",
        counsellor_id="counsellor-1",
        created_by="counsellor-1",
        minor=False,
        status=status,
        terms=terms(),
        created_at=CREATED,
        version=3,
        history=(Entry("draft", "counsellor-1", None, Status.DRAFT, CREATED),),
    )
    return replace(made, **changes)
