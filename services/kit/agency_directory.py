"""The agencies (tenants) as every service needs to know them: a projection fed by profiles' events."""

from __future__ import annotations

import contextlib
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyRegisteredV1, AgencyRenamedV1
from services.kit.messaging import EventRouter
from services.kit.mongo import Document


class AgencyDirectory:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database["agency_directory"]

    async def _apply(self, envelope: Envelope, fields: dict[str, Any]) -> None:
        """Idempotent and order-safe: an older or repeated version never overwrites a newer one."""
        with contextlib.suppress(DuplicateKeyError):  # raised when a newer version is already there
            await self.collection.update_one(
                {"_id": envelope.aggregate_id, "version": {"$lt": envelope.aggregate_version}},
                {"$set": {**fields, "version": envelope.aggregate_version}},
                upsert=True,
            )

    async def on_registered(self, envelope: Envelope, payload: AgencyRegisteredV1) -> None:
        await self._apply(
            envelope, {"name": payload.name, "kind": payload.kind.value, "region_code": payload.region_code}
        )

    async def on_renamed(self, envelope: Envelope, payload: AgencyRenamedV1) -> None:
        await self._apply(envelope, {"name": payload.name})

    def subscribe(self, router: EventRouter) -> EventRouter:
        return router.on("profiles.agency.registered", self.on_registered).on(
            "profiles.agency.renamed", self.on_renamed
        )

    async def all(self) -> list[Document]:
        return (
            await self.collection.find({}, {"_id": 1, "name": 1, "kind": 1, "region_code": 1, "version": 1})
            .sort("name", 1)
            .to_list()
        )
