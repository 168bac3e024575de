"""Every repository of matching's database, built on one database (the composition root, the rebuild
and the tests build them here)."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from services.kit.agency_directory import AgencyDirectory
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.matching.adapters.dismissals import Dismissals
from services.matching.adapters.introductions import Introductions
from services.matching.adapters.projections import Projections
from services.matching.adapters.suggestion_lists import SuggestionLists


@dataclass(frozen=True)
class Stores:
    agencies: AgencyDirectory
    projections: Projections
    introductions: Introductions
    lists: SuggestionLists
    dismissals: Dismissals

    @classmethod
    def on(cls, database: AsyncDatabase[Document], outbox: OutboxWriter) -> Stores:
        return cls(
            AgencyDirectory(database),
            Projections(database),
            Introductions(database, outbox),
            SuggestionLists(database, outbox),
            Dismissals(database),
        )
