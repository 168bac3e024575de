"""Every CSV the platform writes shows a cell a spreadsheet would run as a formula as text instead."""

from __future__ import annotations

import csv
from pathlib import Path

from services.kit.spreadsheet import safe_row, spreadsheet_csv
from services.profiles.importing.cli import write_report
from services.profiles.use_cases.peer_import import Outcome

FORMULAS = ("=2+5+cmd|calc!A0", "+33 6 12", "-1", "@SUM(A1)", "\tx", "\rx")


def test_formula_cells_are_quoted_and_other_cells_kept() -> None:
    assert safe_row([*FORMULAS, "Inès", 3, None]) == [*("'" + f for f in FORMULAS), "Inès", 3, None]
    written = spreadsheet_csv(["a"], [["=1+1"]]).decode("utf-8-sig").splitlines()
    assert written == ["a", "'=1+1"]


def test_the_rejected_rows_report_quotes_formula_cells(tmp_path: Path) -> None:
    outcome = Outcome(rejected=[(2, "=2+5+cmd|calc!A0", "email", "not an e-mail"), (3, "ok@x.fr", "phone", "@bad")])
    report = tmp_path / "rejected.csv"
    write_report(report, outcome)
    with report.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows[0]["e-mail"] == "'=2+5+cmd|calc!A0" and rows[1]["problème"] == "'@bad"
    assert rows[1]["e-mail"] == "ok@x.fr" and rows[0]["ligne"] == "2"
