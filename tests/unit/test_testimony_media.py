"""The pure parts of testimonies: a file's type from its first bytes, WebVTT checked, ranges parsed (and
refused with 416), and the rules of a testimony."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.contracts.events.profiles import StepKind, Transition
from services.profiles.domain import media_types, webvtt
from services.profiles.domain import testimony as rules
from services.profiles.domain.byte_ranges import ByteRange, RangeNotSatisfiable, chunks_of, requested
from services.profiles.domain.testimony import Author, Format, InvalidTestimony, MediaRefused, Stage, accepts, checked

WEBM_HEAD = bytes.fromhex("1a45dfa3") + b"\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04"
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
M4A_HEAD = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom"
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nBonjour.\n\n2\n00:00:02.500 --> 00:01:04.000 align:start\nÀ bientôt.\n"


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (WEBM_HEAD, "WebM"),
        (bytes.fromhex("1a45dfa3") + b"\x42\x82\x88matroska", "Matroska"),
        (MP4_HEAD, "MP4"),
        (M4A_HEAD, "M4A"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00", "QuickTime"),
        (b"OggS\x00\x02" + bytes(20), "Ogg"),
        (b"ID3\x04\x00" + bytes(20), "MP3"),
        (b"\xff\xfb\x90\x64" + bytes(20), "MP3"),
        (b"\xff\xf1\x50\x80" + bytes(20), "AAC"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "WAV"),
        (b"fLaC\x00\x00\x00\x22", "FLAC"),
    ],
)
def test_a_file_is_known_by_its_first_bytes(head: bytes, name: str) -> None:
    found = media_types.sniff(head)
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"not a video at all, just text named video.mp4",
        b"<html><body>video</body></html>",
        b"%PDF-1.7\n",
        b"\x89PNG\r\n\x1a\n" + bytes(20),
        bytes.fromhex("1a45dfa3") + b"\x42\x82\x84abcd",  # EBML, but neither WebM nor Matroska
        b"RIFF\x24\x08\x00\x00AVI LIST",
    ],
)
def test_anything_else_is_unknown_whatever_its_name(head: bytes) -> None:
    assert media_types.sniff(head) is None


def test_a_format_says_what_it_is_served_as() -> None:
    assert media_types.WEBM.served_as(media_types.MediaKind.VIDEO) == "video/webm"
    assert media_types.WEBM.served_as(media_types.MediaKind.AUDIO) == "audio/webm"
    assert media_types.MP3.kinds == {media_types.MediaKind.AUDIO}


def test_good_webvtt_passes() -> None:
    assert webvtt.problems(VTT) == []
    assert webvtt.problems("\ufeffWEBVTT - Témoignage\r\n\r\nNOTE relu\r\n\r\n01:02.000 --> 01:03.000\r\nOui\r\n") == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("1\n00:00:00.000 --> 00:00:01.000\nBonjour", "commencer par « WEBVTT »"),
        ("WEBVTTX\n\n00:00:00.000 --> 00:00:01.000\nx", "commencer par « WEBVTT »"),
        ("WEBVTT\n", "aucun sous-titre"),
        ("WEBVTT\n\n00:00:00,000 --> 00:00:01,000\nformat SRT", "mal formé"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nà l'envers", "ne suit pas son début"),
        ("WEBVTT\n\n1\nBonjour sans minutage", "pas de minutage"),
        ("WEBVTT\n\n00:00:00.000 --> 00:61:00.000\nminutes", "mal formé"),
    ],
)
def test_bad_webvtt_is_said_in_french(text: str, said: str) -> None:
    found = webvtt.problems(text)
    assert found and said in found[0]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("bytes=0-", ByteRange(0, 999, 1000)),
        ("bytes=0-99", ByteRange(0, 99, 1000)),
        ("bytes=500-", ByteRange(500, 999, 1000)),
        ("bytes=900-5000", ByteRange(900, 999, 1000)),  # clipped to the file
        ("bytes=-100", ByteRange(900, 999, 1000)),  # the last 100
        ("bytes=-5000", ByteRange(0, 999, 1000)),
        (" bytes=10-19 ", ByteRange(10, 19, 1000)),
        ("bytes=20-10", None),  # invalid: ignored, the whole file
        ("bytes=0-1,5-9", None),  # several ranges: the whole file
        ("items=0-10", None),
        ("bytes=-", None),
        ("bytes=abc-", None),
    ],
)
def test_ranges(header: str | None, expected: ByteRange | None) -> None:
    assert requested(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_outside_the_file_is_not_satisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable) as refused:
        requested(header, 1000)
    assert refused.value.length == 1000


def test_a_range_says_its_content_range_and_chunks() -> None:
    part = ByteRange(1000, 2999, 10_000)
    assert part.size == 2000 and part.content_range() == "bytes 1000-2999/10000"
    assert chunks_of(part, 1024) == (0, 2)
    assert chunks_of(ByteRange(2048, 2048, 10_000), 1024) == (2, 2)


def _draft(**changes: object) -> rules.Testimony:
    fields: dict[str, object] = {
        "testimony_id": "t1",
        "peer_id": "p1",
        "agency_id": "a1",
        "region_code": "03",
        "format": Format.VIDEO,
        "title": "  De la vente au web ",
        "jobs": ("m1805",),
        "path_kind": StepKind.TRAINING,
        "transition": Transition.CHOSEN,
        "added_by": Author.PEER,
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
        "subtitles": VTT,
    }
    return rules.Testimony(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_video_testimony_is_tidied_and_waits_for_its_file() -> None:
    t = checked(_draft())
    assert t.title == "De la vente au web" and t.jobs == ("M1805",) and t.stage is Stage.AWAITING_MEDIA


def test_a_video_needs_subtitles_or_a_transcript() -> None:
    with pytest.raises(InvalidTestimony) as refused:
        checked(_draft(subtitles="", transcript=""))
    assert [field for field, _ in refused.value.problems] == ["subtitles"]
    assert checked(_draft(subtitles="", transcript="Bonjour, je suis Inès.")).transcript


def test_every_problem_is_named_at_its_field() -> None:
    with pytest.raises(InvalidTestimony) as refused:
        checked(_draft(title=" ", jobs=("Z9999",), subtitles="pas du WebVTT"))
    assert [field for field, _ in refused.value.problems] == ["title", "jobs[0]", "subtitles"]


def test_a_text_testimony_is_ready_at_once() -> None:
    t = checked(_draft(format=Format.TEXT, subtitles="", text="Mon parcours."))
    assert t.stage is Stage.READY
    with pytest.raises(InvalidTestimony):
        checked(_draft(format=Format.TEXT, subtitles="", text=""))


def test_a_file_that_only_claims_to_be_a_video_is_refused() -> None:
    video = checked(_draft())
    assert accepts(video, media_types.sniff(WEBM_HEAD)) is media_types.WEBM
    with pytest.raises(MediaRefused) as refused:
        accepts(video, media_types.sniff(b"this is text, named clip.webm"))
    assert refused.value.field == "media" and "vidéo" in refused.value.message
    with pytest.raises(MediaRefused):
        accepts(video, media_types.sniff(b"ID3\x04" + bytes(20)))  # an MP3 is not a video
    with pytest.raises(MediaRefused):
        accepts(checked(_draft(format=Format.TEXT, subtitles="", text="x")), media_types.WEBM)
