"""Refresh tokens in the profiles database (`refresh_tokens`): opaque random strings stored only as their
SHA-256 digest, each with the family it belongs to (one sign-in), its staff member and the family's
expiry (a TTL index forgets them then). A token is used once; using it marks it used atomically."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document

REFRESH_TOKENS = "refresh_tokens"


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RefreshTokens:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database[REFRESH_TOKENS]

    async def add(self, token: str, family: str, staff_id: str, expires_at: datetime) -> None:
        await self.collection.insert_one(
            {
                "_id": digest(token),
                "family": family,
                "staff_id": staff_id,
                "expires_at": expires_at,
                "used": False,
                "revoked": False,
            }
        )

    async def use(self, token: str, now: datetime) -> Document | None:
        """The token's record if it was unused, unrevoked and unexpired, now marked used; None otherwise."""
        return await self.collection.find_one_and_update(
            {"_id": digest(token), "used": False, "revoked": False, "expires_at": {"$gt": now}},
            {"$set": {"used": True, "used_at": now}},
            return_document=ReturnDocument.AFTER,
        )

    async def find(self, token: str) -> Document | None:
        return await self.collection.find_one({"_id": digest(token)})

    async def revoke_family(self, family: str) -> None:
        await self.collection.update_many({"family": family}, {"$set": {"revoked": True}})

    async def revoke_staff(self, staff_id: str) -> None:
        await self.collection.update_many({"staff_id": staff_id}, {"$set": {"revoked": True}})
