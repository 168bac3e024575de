"""Testimonies' files in the profiles database through GridFS (`gridfs.AsyncGridFSBucket`, checked against
the local engine: uploads, aborted uploads, deletion, and a ranged read of the chunks by their unique
`files_id, n` index). An upload is streamed into chunks as it arrives, never held whole; a range reads only
the chunks that hold it, a few at a time as the client takes them."""

from __future__ import annotations

from collections.abc import AsyncIterator

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.profiles.domain.byte_ranges import ByteRange, chunks_of

BUCKET = "testimony_media"
CHUNK_BYTES = 512 * 1024
CHUNKS_PER_READ = 2  # chunks fetched per round trip while a range streams


class TooLarge(Exception):
    pass


class MediaStore:
    def __init__(self, database: AsyncDatabase[Document], chunk_bytes: int = CHUNK_BYTES) -> None:
        self.bucket = AsyncGridFSBucket(database, bucket_name=BUCKET, chunk_size_bytes=chunk_bytes)
        self.chunks = database[f"{BUCKET}.chunks"]
        self.files = database[f"{BUCKET}.files"]
        self.chunk_bytes = chunk_bytes

    async def store(self, file_id: str, pieces: AsyncIterator[bytes], max_bytes: int, metadata: Document) -> int:
        """Writes the pieces as they come; the stored length. TooLarge (nothing kept) past `max_bytes`; on
        any failure the chunks written so far are removed."""
        upload = self.bucket.open_upload_stream_with_id(file_id, file_id, metadata=metadata)
        written = 0
        try:
            async for piece in pieces:
                written += len(piece)
                if written > max_bytes:
                    raise TooLarge(written)
                await upload.write(piece)
        except BaseException:
            await upload.abort()
            raise
        await upload.close()
        return written

    async def read(self, file_id: str, byte_range: ByteRange, chunk_size: int) -> AsyncIterator[bytes]:
        """The bytes of the range, from only the chunks that hold it."""
        first, last = chunks_of(byte_range, chunk_size)
        cursor = (
            self.chunks.find({"files_id": file_id, "n": {"$gte": first, "$lte": last}}, {"n": 1, "data": 1})
            .sort("n", 1)
            .batch_size(CHUNKS_PER_READ)
        )
        async for chunk in cursor:
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
