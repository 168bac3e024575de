"""The connection to the service's own database (MongoDB wire protocol: MongoDB or FerretDB)."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from services.kit.settings import ServiceSettings

Document = dict[str, Any]


def connect(settings: ServiceSettings) -> tuple[AsyncMongoClient[Document], AsyncDatabase[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        settings.mongodb_uri,
        serverSelectionTimeoutMS=settings.mongodb_timeout_ms,
        connectTimeoutMS=settings.mongodb_timeout_ms,
        tz_aware=True,
        appname=f"parcours-{settings.service_name}",
    )
    return client, client[settings.database_name]


async def ping(database: AsyncDatabase[Document]) -> None:
    await database.command("ping")


async def is_ferretdb(database: AsyncDatabase[Document]) -> bool:
    """FerretDB answers buildInfo with its own version beside the MongoDB one it emulates."""
    info = await database.command("buildInfo")
    return "ferretdbVersion" in info
