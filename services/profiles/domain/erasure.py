"""Personal data rights: what erasure leaves behind, and the event that tells every service. Pure rules."""

from __future__ import annotations

from datetime import datetime

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import PersonErasedV1, PersonKind
from services.profiles.domain.events import event

ERASED = "erased"


def erased_event(person_id: str, kind: PersonKind, agency_id: str, version: int) -> Envelope:
    """Published on the person's own topic-neutral stream so every service hears it."""
    payload = PersonErasedV1(person_id=person_id, person_kind=kind, agency_id=agency_id)
    return event("profiles.person.erased", "person", person_id, version, agency_id, payload)


def tombstone(person_id: str, agency_id: str, version: int, erased_at: datetime) -> dict[str, object]:
    """All that remains of an erased person: an id that nothing can lead back to a human."""
    return {"_id": person_id, "agency_id": agency_id, "status": ERASED, "erased_at": erased_at, "version": version}
