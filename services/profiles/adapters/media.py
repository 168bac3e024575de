"""Testimonies' files in the profiles database, in GridFS's layout (`<bucket>.files` and `<bucket>.chunks`, so
any GridFS tool reads them, and `gridfs.AsyncGridFSBucket` deletes them). Checked against the local engine:
GridFS's own upload, abort, delete and ranged reads all work there, but its upload buffers 32 MB of chunks
before writing them (and its reader asks for every chunk to the end of the file, which the engine reads and
sorts whole before the first answer). So a file is written here a few chunks at a time as it arrives, never
held whole, and a range reads only the chunks that hold it, a few per round trip, by the unique
`files_id, n` index, as the client takes them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from bson import Binary
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.profiles.domain.byte_ranges import ByteRange, chunks_of

BUCKET = "testimony_media"
CHUNK_BYTES = 512 * 1024
CHUNKS_PER_WRITE = 4  # 2 MiB held at most while an upload streams in
CHUNKS_PER_READ = 2  # chunks fetched per round trip while a range streams out


class TooLarge(Exception):
    pass


class MediaStore:
    def __init__(self, database: AsyncDatabase[Document], chunk_bytes: int = CHUNK_BYTES) -> None:
        self.bucket = AsyncGridFSBucket(database, bucket_name=BUCKET, chunk_size_bytes=chunk_bytes)
        self.chunks = database[f"{BUCKET}.chunks"]
        self.files = database[f"{BUCKET}.files"]
        self.chunk_bytes = chunk_bytes

    async def store(self, file_id: str, pieces: AsyncIterator[bytes], max_bytes: int, metadata: Document) -> int:
        """Writes the pieces as they come, then the file's description; the stored length. TooLarge (nothing
        kept) past `max_bytes`; on any failure the chunks written so far are removed."""
        held, number, written = bytearray(), 0, 0
        try:
            async for piece in pieces:
                written += len(piece)
                if written > max_bytes:
                    raise TooLarge(written)
                held += piece
                if len(held) >= self.chunk_bytes * CHUNKS_PER_WRITE:
                    number = await self._write(file_id, held, number, keep_tail=True)
            await self._write(file_id, held, number, keep_tail=False)
            await self.files.insert_one(
                {
                    "_id": file_id,
                    "filename": file_id,
                    "length": written,
                    "chunkSize": self.chunk_bytes,
                    "uploadDate": datetime.now(UTC),
                    "metadata": metadata,
                }
            )
        except BaseException:
            await self.chunks.delete_many({"files_id": file_id})
            raise
        return written

    async def _write(self, file_id: str, held: bytearray, number: int, *, keep_tail: bool) -> int:
        """Writes the whole chunks of `held` (and, unless `keep_tail`, the last partial one), removing them
        from it; the next chunk's number."""
        size = self.chunk_bytes
        whole = len(held) // size * size if keep_tail else len(held)
        documents = [
            {"files_id": file_id, "n": number + i, "data": Binary(bytes(held[start : start + size]))}
            for i, start in enumerate(range(0, whole, size))
        ]
        if documents:
            await self.chunks.insert_many(documents, ordered=True)
        del held[:whole]
        return number + len(documents)

    async def read(self, file_id: str, byte_range: ByteRange, chunk_size: int) -> AsyncIterator[bytes]:
        """The bytes of the range, from only the chunks that hold it, `CHUNKS_PER_READ` per query."""
        first, last = chunks_of(byte_range, chunk_size)
        for window in range(first, last + 1, CHUNKS_PER_READ):
            query = {"files_id": file_id, "n": {"$gte": window, "$lte": min(last, window + CHUNKS_PER_READ - 1)}}
            async for chunk in self.chunks.find(query, {"n": 1, "data": 1}).sort("n", 1):
                start = chunk["n"] * chunk_size
                data = bytes(chunk["data"])
                yield data[max(0, byte_range.first - start) : byte_range.last - start + 1]

    async def delete(self, file_id: str) -> None:
        try:
            await self.bucket.delete(file_id)
        except NoFile:
            await self.chunks.delete_many({"files_id": file_id})  # an upload cut short leaves chunks only

    async def count(self, file_id: str) -> int:
        """Stored pieces of a file (its description and chunks), for the checks of erasure."""
        return await self.files.count_documents({"_id": file_id}) + await self.chunks.count_documents(
            {"files_id": file_id}
        )
