"""Import peers from the spreadsheet counsellors keep (CSV; columns in `rows.py`).

    python -m services.profiles.importing peers.csv --agency AGENCY_ID [--report rejected.csv]

Each good row becomes one peer (`use_cases.peer_import`); bad rows are listed with every problem in the
report; a row imported before (same agency and e-mail) is counted, not duplicated. The profiles service
publishes the events (its relay sweeps the outboxes), so peers reach matching as soon as it runs.
Database: PARCOURS_MONGODB_URI and PARCOURS_MONGODB_DATABASE (default parcours_profiles)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
from pathlib import Path
from typing import TextIO

from services.kit.mongo import connect
from services.kit.outbox import OutboxWriter
from services.kit.settings import ServiceSettings
from services.kit.spreadsheet import safe_row
from services.profiles.adapters.agencies import Agencies
from services.profiles.adapters.peers import Peers
from services.profiles.importing.rows import REQUIRED
from services.profiles.use_cases.peer_import import Outcome, import_peers


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


# the rejected rows' report is read by the counsellors who keep the spreadsheet
REPORT_COLUMNS = ("ligne", "e-mail", "colonne", "problème")


def write_report(path: Path, outcome: Outcome) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(safe_row(row) for row in outcome.rejected)  # cells come from the file: maybe formulas


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
        agency = await Agencies(database, OutboxWriter()).get(args.agency)
        if agency is None:
            print(f"no agency {args.agency} in {settings.database_name}", file=sys.stderr)
            return 2
        progress = Progress(len(rows), sys.stderr)
        outcome = await import_peers(
            rows, args.agency, agency.region_code, Peers(database, OutboxWriter()), progress.step
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
