"""The documents people take away: the printable convention once validated, and the agency's export."""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.kit.agency_directory import AgencyDirectory
from services.placements.adapters.conventions import Conventions, Selection
from services.placements.domain.convention import Refused
from services.placements.domain.documents import PRINTABLE, convention_pdf, csv_export
from services.placements.domain.lifecycle import STATUS_LABELS


class NotPrintable(Refused):
    """Printable once validated (409)."""


class Documents:
    def __init__(self, conventions: Conventions, agencies: AgencyDirectory) -> None:
        self.conventions = conventions
        self.agencies = agencies

    async def pdf(self, convention_id: str, agency_id: str) -> bytes:
        convention = await self.conventions.get(convention_id, agency_id)
        if convention.status not in PRINTABLE:
            raise NotPrintable(
                f"La convention s'imprime une fois validée : elle est « {STATUS_LABELS[convention.status].lower()} ».",
                code="not_printable",
            )
        return convention_pdf(convention, await self.agencies.name_of(convention.agency_id))

    def export(self, selection: Selection) -> AsyncIterator[bytes]:
        """The CSV, as it is read, page by page."""
        return csv_export(self.conventions.summaries_of_agency(selection))
