"""CSV files that French spreadsheets open as they are: `;` between cells, UTF-8 with a BOM, and no cell
that a spreadsheet would run as a formula. Every CSV the platform writes goes through `safe_row`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text a spreadsheet would run as a formula (`=2+5+cmd|calc!A0`) starts with a quote, shown as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode()
