"""HTTP range requests on a stored media file (RFC 9110, 14): one range of bytes, which a media player asks
for to start and to seek. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(ValueError):
    """The range asks for no byte of the file (416, with `Content-Range: bytes */<length>`)."""

    def __init__(self, length: int) -> None:
        super().__init__(f"no byte of the {length} asked for")
        self.length = length


@dataclass(frozen=True)
class ByteRange:
    first: int
    last: int  # inclusive
    length: int  # of the whole file

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def content_range(self) -> str:
        return f"bytes {self.first}-{self.last}/{self.length}"


def requested(header: str | None, length: int) -> ByteRange | None:
    """The range a `Range` header asks for, clipped to the file; None to send the whole file (no header, or
    one this server ignores, as RFC 9110 allows: another unit, several ranges, a malformed value).
    RangeNotSatisfiable when it asks for nothing inside the file."""
    if not header:
        return None
    match = RANGE.match(header.strip())
    if match is None or match.group(0) == "bytes=-":
        return None
    start, end = match.group(1), match.group(2)
    if not start:  # the last `end` bytes
        suffix = int(end)
        if suffix == 0 or length == 0:
            raise RangeNotSatisfiable(length)
        return ByteRange(max(0, length - suffix), length - 1, length)
    first = int(start)
    last = int(end) if end else length - 1
    if end and last < first:
        return None  # invalid: ignored
    if first >= length:
        raise RangeNotSatisfiable(length)
    return ByteRange(first, min(last, length - 1), length)


def chunks_of(byte_range: ByteRange, chunk_size: int) -> tuple[int, int]:
    """The first and last chunk numbers that hold the range, in a file cut in `chunk_size` pieces."""
    return byte_range.first // chunk_size, byte_range.last // chunk_size
