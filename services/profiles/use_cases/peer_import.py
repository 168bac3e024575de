"""Importing peers from the spreadsheet counsellors keep: each good row becomes one published peer, written
with its events in one document (a row is imported whole or not at all); bad rows are listed with every
problem; a row imported before (same agency and e-mail) is counted, not duplicated. Each imported peer is
e-mailed the peers' charter to accept (they are suggested once they do), like a peer added by hand."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.kit.outbox import TakenByAnother
from services.profiles.adapters.indexes import ensure_peer_indexes
from services.profiles.adapters.peers import Peers
from services.profiles.domain import peer as rules
from services.profiles.importing.rows import RowProblems, import_key, to_peer
from services.profiles.use_cases.errors import utc_now
from services.reference.charter import CURRENT

IN_FLIGHT = 32


@dataclass
class Outcome:
    imported: int = 0
    already_there: int = 0
    rejected: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, email, column, problem
    seconds: float = 0.0

    @property
    def rejected_rows(self) -> int:
        return len({line for line, *_ in self.rejected})


async def import_peers(
    rows: list[dict[str, str | None]],
    agency_id: str,
    region_code: str,
    peers: Peers,
    on_row: Callable[[], None] = lambda: None,
    charter_accepted_at: datetime | None = None,
) -> Outcome:
    """`charter_accepted_at`: the rows' people accepted the charter in force then. Only the demo says so, for
    its made-up peers (the counsellors' command cannot: a real peer accepts it from their own link)."""
    accepted = None if charter_accepted_at is None else rules.CharterAcceptance(CURRENT.version, charter_accepted_at)
    outcome = Outcome()
    started = time.monotonic()
    gate = asyncio.Semaphore(IN_FLIGHT)
    await ensure_peer_indexes(peers)

    async def one(line: int, row: dict[str, str | None]) -> None:
        async with gate:
            try:
                draft = replace(to_peer(row, agency_id, region_code), charter=accepted)
                peer, events = rules.publish(draft, now=utc_now())
                await peers.add(peer, events, import_key=import_key(agency_id, peer.identity.email))
                outcome.imported += 1
            except (RowProblems, rules.InvalidPeer) as error:
                outcome.rejected += [(line, row.get("email") or "", f, m) for f, m in error.problems]
            except TakenByAnother:
                outcome.already_there += 1
            on_row()

    await asyncio.gather(*(one(index + 2, row) for index, row in enumerate(rows)))  # line 1 is the header
    outcome.seconds = time.monotonic() - started
    outcome.rejected.sort()
    return outcome
