"""The connection to the service's own database (MongoDB wire protocol: MongoDB, or FerretDB v2 on
PostgreSQL with DocumentDB), and the service's index declarations.

The code never starts a transaction: the local engine has none (worse, writes inside one apply at once
and its commit fails), and none is needed since every state change is one document. A command that
starts one is logged as an error (and `tests/unit/test_no_transactions.py` fails on code that could)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import AsyncMongoClient, IndexModel, monitoring
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from services.kit.settings import ServiceSettings

Document = dict[str, Any]
IndexDeclarations = Mapping[str, Sequence[IndexModel]]

log = logging.getLogger(__name__)


class _NoTransactions(monitoring.CommandListener):
    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command.get("startTransaction"):
            log.error(
                "a transaction was started (%s on %s): the database engine has none",
                event.command_name,
                event.database_name,
            )

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def connect(settings: ServiceSettings) -> tuple[AsyncMongoClient[Document], AsyncDatabase[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        settings.mongodb_uri,
        serverSelectionTimeoutMS=settings.mongodb_timeout_ms,
        connectTimeoutMS=settings.mongodb_timeout_ms,
        tz_aware=True,
        appname=f"parcours-{settings.service_name}",
        event_listeners=[_NoTransactions()],
    )
    return client, client[settings.database_name]


async def ping(database: AsyncDatabase[Document]) -> None:
    await database.command("ping")


async def forget(
    database: AsyncDatabase[Document], collections: Sequence[str], indexes: Mapping[str, Sequence[str]]
) -> None:
    """Drop what earlier versions kept and no code reads any more (collections, and indexes by name).
    Idempotent and cheap, at start-up; another instance dropping the same thing at once is fine."""
    for name in collections:
        await database.drop_collection(name)
    for collection, names in indexes.items():
        present = {index["name"] async for index in await database[collection].list_indexes()}
        for name in set(names) & present:
            with contextlib.suppress(OperationFailure):
                await database[collection].drop_index(name)
            log.info("dropped the former index %s of %s", name, collection)


async def create_indexes(database: AsyncDatabase[Document], declarations: IndexDeclarations) -> None:
    """Every declared index, made if missing (an index of the same name and keys is left as it is)."""
    for collection, models in declarations.items():
        if models:
            await database[collection].create_indexes(list(models))
