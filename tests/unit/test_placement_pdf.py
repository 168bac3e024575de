"""The printable convention: every line of text, the legal line under the title first (the articles of the
Code du travail and the convention's number), stays within the page's margins, never cut at its edge."""

from __future__ import annotations

import io

from fpdf import FPDF
from pypdf import PdfReader

from services.placements.domain.documents import convention_pdf
from services.placements.domain.lifecycle import Status
from tests.unit.placements_support import a_convention

CONVENTION_ID = "0193b1de-7c2a-7d4e-9f10-5a6b7c8d9e0f"  # as long as the real ones (UUID v7)
MM_PER_POINT = 25.4 / 72
RIGHT_EDGE = 210 - 10  # A4 less fpdf's default margin, in mm


def width_mm(font_size: float, text: str) -> float:
    measure = FPDF(format="A4")
    measure.add_page()
    measure.set_font("Helvetica", "", font_size)
    return float(measure.get_string_width(text))


def runs(document: bytes) -> list[tuple[float, float, str]]:
    """Each piece of text drawn: where it starts (mm from the left), its font size, the text."""
    found: list[tuple[float, float, str]] = []
    for page in PdfReader(io.BytesIO(document)).pages:

        def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
            if text.strip():
                found.append((tm[4] * MM_PER_POINT, size, text.strip()))

        page.extract_text(visitor_text=visit)
    return found


def test_every_line_stays_within_the_page_the_legal_line_first() -> None:
    document = convention_pdf(a_convention(Status.VALIDATED, id=CONVENTION_ID), "Mission locale de Nantes Métropole")
    drawn = runs(document)
    legal = [text for _, _, text in drawn if "Code du travail" in text or CONVENTION_ID[-12:] in text]
    assert legal and "D5135-1 et suivants du Code du travail" in " ".join(legal), drawn[:4]
    assert CONVENTION_ID in "".join(" ".join(legal).split()), "the convention's number is printed whole"
    for left, size, text in drawn:
        assert left >= 9.9 and left + width_mm(size, text) <= RIGHT_EDGE + 0.5, (
            f"cut at the edge: {left:.1f} mm {text!r}"
        )
