"""How an erased person is stored, whichever collection held them: their document replaced by a tombstone
(`domain.erasure.tombstone`), dropping events not yet published (they may hold what is erased) in favour
of the erasure's own. Also what an export leaves out: storage internals, not data about the person."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection

from services.contracts.envelope import Envelope
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.profiles.adapters.events import on_their_topics
from services.profiles.domain.erasure import tombstone

NOT_EXPORTED = ("outbox", "search", "jobs")  # pending events, folded search keys


async def bury(
    outbox: OutboxWriter,
    collection: AsyncCollection[Document],
    person_id: str,
    agency_id: str,
    version: int,
    erased_at: datetime | None,
    events: list[Envelope],
) -> None:
    """Replaces version `version - 1` of the person by their tombstone; ConcurrentUpdate if it changed."""
    assert erased_at is not None, "an erased person has the moment of their erasure"
    grave = tombstone(person_id, agency_id, version, erased_at)
    await outbox.replace(collection, person_id, version - 1, grave, on_their_topics(events))


def exported(document: Document) -> Document:
    """The person's document as stored, without storage internals."""
    return {k: v for k, v in document.items() if k not in NOT_EXPORTED}
