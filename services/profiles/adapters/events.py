"""Which topic each event of profiles is published on: its aggregate type's (`profiles.peer`,
`profiles.person` for an erasure, ...)."""

from __future__ import annotations

from collections.abc import Sequence

from services.contracts.envelope import Envelope
from services.contracts.topics import topic_for
from services.profiles.domain.events import PRODUCER


def on_their_topics(events: Sequence[Envelope]) -> list[tuple[Envelope, str]]:
    return [(e, topic_for(PRODUCER, e.aggregate_type)) for e in events]
