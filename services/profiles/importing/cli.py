"""Import peers from the spreadsheet counsellors keep (CSV; columns in `rows.py`).

    python -m services.profiles.importing peers.csv --agency AGENCY_ID [--report rejected.csv]

Each good row becomes one peer, written with its events in one document: a row is imported whole or
not at all. Bad rows are listed with every problem in the report; a row imported before (same agency and
e-mail) is counted, not duplicated. The profiles service publishes the events (its relay sweeps the
outboxes), so peers reach matching as soon as it runs. Database: PARCOURS_MONGODB_URI and
PARCOURS_MONGODB_DATABASE (default parcours_profiles)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pymongo.errors import DuplicateKeyError

from services.kit.mongo import connect, create_indexes
from services.kit.outbox import OutboxWriter
from services.kit.settings import ServiceSettings
from services.profiles.adapters.indexes import INDEXES
from services.profiles.adapters.peers import COLLECTION as PEERS
from services.profiles.adapters.peers import PeerRepository
from services.profiles.domain import peer as rules
from services.profiles.importing.rows import REQUIRED, RowProblems, import_key, to_peer

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


class Progress:
    def __init__(self, total: int, out: TextIO) -> None:
        self.total, self.out, self.done = total, out, 0
        self.started = self.last = time.monotonic()

    def step(self, force: bool = False) -> None:
        self.done += 0 if force else 1
        now = time.monotonic()
        if not force and now - self.last < 0.2 and self.done < self.total:
            return
        self.last = now
        width = 30
        filled = width * self.done // max(self.total, 1)
        rate = self.done / max(now - self.started, 1e-9)
        self.out.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done:,}/{self.total:,} rows  {rate:,.0f} rows/s"
        )
        self.out.flush()


def read_rows(path: Path) -> tuple[list[dict[str, str | None]], list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    return list(reader), missing


async def import_peers(
    rows: list[dict[str, str | None]],
    agency_id: str,
    region_code: str,
    repository: PeerRepository,
    progress: Progress | None = None,
) -> Outcome:
    outcome = Outcome()
    started = time.monotonic()
    gate = asyncio.Semaphore(IN_FLIGHT)
    # the unique index that keeps a row from being imported twice, even before the service first started
    await create_indexes(repository.collection.database, {PEERS: INDEXES[PEERS]})

    async def one(line: int, row: dict[str, str | None]) -> None:
        async with gate:
            try:
                peer, events = rules.publish(to_peer(row, agency_id, region_code))
                await repository.add(peer, events, import_key=import_key(agency_id, peer.identity.email))
                outcome.imported += 1
            except (RowProblems, rules.InvalidPeer) as error:
                outcome.rejected += [(line, row.get("email") or "", f, m) for f, m in error.problems]
            except DuplicateKeyError:
                outcome.already_there += 1
            if progress:
                progress.step()

    await asyncio.gather(*(one(index + 2, row) for index, row in enumerate(rows)))  # line 1 is the header
    outcome.seconds = time.monotonic() - started
    outcome.rejected.sort()
    return outcome


def write_report(path: Path, outcome: Outcome) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["line", "email", "column", "problem"])
        writer.writerows(outcome.rejected)


async def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="parcours-import-peers", description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path, help="the spreadsheet, saved as CSV (comma or semicolon)")
    parser.add_argument("--agency", required=True, help="the recruiting agency's id")
    parser.add_argument("--report", type=Path, help="where to list rejected rows (default: <csv>.rejected.csv)")
    args = parser.parse_args(argv)
    if not args.csv.is_file():
        print(f"no file {args.csv}", file=sys.stderr)
        return 2
    rows, missing = read_rows(args.csv)
    if missing:
        print(f"{args.csv}: missing columns {', '.join(missing)} (see the column list in --help)", file=sys.stderr)
        return 2
    settings = ServiceSettings(service_name="profiles")
    client, database = connect(settings)
    try:
        agency = await database["agencies"].find_one({"_id": args.agency})
        if agency is None:
            print(f"no agency {args.agency} in {settings.database_name}", file=sys.stderr)
            return 2
        progress = Progress(len(rows), sys.stderr)
        outcome = await import_peers(
            rows,
            args.agency,
            agency["region_code"],
            PeerRepository(database, OutboxWriter()),
            progress,
        )
        progress.step(force=True)
    finally:
        await client.close()
    report = args.report or args.csv.with_suffix(".rejected.csv")
    write_report(report, outcome)
    print(
        f"\n{outcome.imported:,} imported, {outcome.already_there:,} already there, "
        f"{outcome.rejected_rows:,} rejected (reasons in {report}) in {outcome.seconds:.1f} s "
        f"({len(rows) / max(outcome.seconds, 1e-9):,.0f} rows/s)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(sys.argv[1:] if argv is None else argv))
