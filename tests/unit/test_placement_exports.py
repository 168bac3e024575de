"""The convention's PDF and the agency's CSV export name the job in words (the ROME code beside it)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

from pypdf import PdfReader

from services.placements.domain.documents import Summary, convention_pdf, csv_export
from services.placements.domain.lifecycle import Status
from tests.unit.placements_support import CREATED, a_convention


def test_the_pdf_names_the_job_by_its_label_then_its_code() -> None:
    convention = a_convention(Status.VALIDATED)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(convention_pdf(convention, "ML"))).pages)
    assert "Développeur / Développeuse informatique (M1805)" in " ".join(text.split()), text


def test_the_csv_has_the_job_label_beside_its_code() -> None:
    convention = a_convention()
    summary = Summary(convention.id, convention.status, convention.terms, None, None, CREATED)

    async def pages() -> AsyncIterator[list[Summary]]:
        yield [summary]

    async def read() -> str:
        return b"".join([chunk async for chunk in csv_export(pages())]).decode("utf-8-sig")

    header, row = asyncio.run(read()).splitlines()
    columns = header.split(";")
    cells = dict(zip(columns, row.split(";"), strict=True))
    assert cells["métier"] == "Développeur / Développeuse informatique" and cells["code ROME"] == "M1805"
