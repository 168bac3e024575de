"""What a media file is, read from its first bytes (its magic numbers), never from its name or the type its
sender declared: a file that only claims to be a video is refused. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

HEAD_BYTES = 64  # enough for every signature below (the EBML document type sits in the first few dozen)


class MediaKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class Container:
    """A recognised file format, the kinds of testimony it may carry and the type it is served as."""

    name: str
    kinds: frozenset[MediaKind]
    video_type: str = ""
    audio_type: str = ""

    def served_as(self, kind: MediaKind) -> str:
        return self.video_type if kind is MediaKind.VIDEO else self.audio_type


_BOTH = frozenset({MediaKind.VIDEO, MediaKind.AUDIO})
_AUDIO = frozenset({MediaKind.AUDIO})

MP4 = Container("MP4", _BOTH, "video/mp4", "audio/mp4")
M4A = Container("M4A", _AUDIO, audio_type="audio/mp4")
QUICKTIME = Container("QuickTime", frozenset({MediaKind.VIDEO}), "video/quicktime")
WEBM = Container("WebM", _BOTH, "video/webm", "audio/webm")
MATROSKA = Container("Matroska", _BOTH, "video/x-matroska", "audio/x-matroska")
OGG = Container("Ogg", _BOTH, "video/ogg", "audio/ogg")
MP3 = Container("MP3", _AUDIO, audio_type="audio/mpeg")
AAC = Container("AAC", _AUDIO, audio_type="audio/aac")
WAV = Container("WAV", _AUDIO, audio_type="audio/wav")
FLAC = Container("FLAC", _AUDIO, audio_type="audio/flac")

KNOWN = "MP4, M4A, WebM, Ogg, MP3, AAC, WAV ou FLAC"
AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
EBML = b"\x1a\x45\xdf\xa3"


def sniff(head: bytes) -> Container | None:
    """The format the file's first bytes (`HEAD_BYTES` of them, or the whole file if shorter) announce."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in AUDIO_BRANDS:
            return M4A
        return QUICKTIME if brand == b"qt  " else MP4
    if head.startswith(EBML):
        return WEBM if b"webm" in head[:HEAD_BYTES] else MATROSKA if b"matroska" in head[:HEAD_BYTES] else None
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3"):
        return MP3
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # MPEG audio frame sync: layer bits 00 are AAC's ADTS, the others MPEG layers I-III
        return AAC if head[1] & 0x06 == 0 else MP3
    return None
