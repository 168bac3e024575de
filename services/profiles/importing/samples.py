"""Sample peers spreadsheets with good rows and a known set of bad ones (tests, benchmark, demos)."""

from __future__ import annotations

from pathlib import Path

from services.profiles.demo_peers import peer_rows
from services.profiles.importing.rows import write_csv

# (what is wrong, the change, the column the report must name)
BAD: list[tuple[str, dict[str, str], str]] = [
    ("no e-mail", {"email": ""}, "email"),
    ("unknown ROME code", {"step1_rome": "Z9999"}, "path[0].rome_code"),
    ("ends before it starts", {"step1_start": "2021-05", "step1_end": "2020-01"}, "path[0].end_month"),
    ("unknown kind", {"kind": "astronaute"}, "kind"),
    ("capacity in words", {"capacity_per_month": "beaucoup"}, "capacity_per_month"),
    ("region without consent", {"visibility": "region", "consent_region": "non"}, "consent_region"),
    ("unknown place", {"place": "Atlantide"}, "place"),
    ("negative capacity", {"capacity_per_month": "-2"}, "offer.capacity_per_month"),
]


def spreadsheet(path: Path, rows: int, bad_every: int, email_domain: str) -> tuple[Path, dict[int, str]]:
    """`rows` rows; every `bad_every`-th one is broken in one of the BAD ways. Returns the CSV and, per
    bad line number (the header is line 1), the column its report must name."""
    generated = peer_rows(rows, seed=7, email_domain=email_domain)
    expected: dict[int, str] = {}
    for index in range(bad_every - 1, rows, bad_every):
        _, change, column = BAD[(index // bad_every) % len(BAD)]
        generated[index].update(change)
        expected[index + 2] = column
    return write_csv(generated, path), expected
