"""A peer's testimony as a type, and its rules: what makes a good one (tagged with ROME jobs, the kind of
path and of transition it tells; a transcript or subtitles for a video or a recording, for people who
cannot hear it), which file may carry it, who may add one, who may see it, and its share links. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from services.contracts.events.profiles import StepKind, Transition
from services.kit.domain import Conflict, Refusal
from services.profiles.domain import webvtt
from services.profiles.domain.events import InvalidInput
from services.profiles.domain.media_types import KNOWN, Container, MediaKind
from services.profiles.domain.peer import Peer, Status, visible_to
from services.reference import jobs

MAX_JOBS = 5
MAX_TITLE = 120
MAX_TEXT = 5000
MAX_TRANSCRIPT = 20_000
MAX_SUBTITLES = 200_000
SHARE_DAYS = (1, 30)
WATCH_HOURS = 4  # a counsellor's player link: long enough to watch, short enough to be worthless later


class InvalidTestimony(InvalidInput):
    pass


class MediaRefused(Refusal):
    """The file is not a video or a recording this testimony may carry, whatever its name says (415)."""

    status = 415
    code = "media_type_refused"


class MediaTooLarge(Refusal):
    status = 413
    code = "media_too_large"


class Format(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"


class Stage(StrEnum):
    AWAITING_MEDIA = "awaiting_media"  # a video or recording described, its file not stored yet
    READY = "ready"


class Author(StrEnum):
    PEER = "peer"  # from their own link
    COUNSELLOR = "counsellor"  # with the peer's recorded consent


@dataclass(frozen=True)
class Media:
    file_id: str
    container: str
    content_type: str
    length: int
    chunk_size: int


@dataclass(frozen=True)
class Testimony:
    testimony_id: str
    peer_id: str
    agency_id: str
    region_code: str
    format: Format
    title: str
    jobs: tuple[str, ...]
    path_kind: StepKind | None
    transition: Transition | None
    added_by: Author
    created_at: datetime
    text: str = ""
    transcript: str = ""
    subtitles: str = ""
    stage: Stage = Stage.AWAITING_MEDIA
    media: Media | None = None

    @property
    def media_kind(self) -> MediaKind | None:
        return None if self.format is Format.TEXT else MediaKind(self.format.value)


def checked(draft: Testimony) -> Testimony:
    """The testimony tidied (codes upper case, texts trimmed, its stage from its format), or
    InvalidTestimony naming every problem."""
    t = replace(
        draft,
        title=draft.title.strip(),
        jobs=tuple(dict.fromkeys(code.strip().upper() for code in draft.jobs)),
        text=draft.text.strip(),
        transcript=draft.transcript.strip(),
        subtitles=draft.subtitles.strip(),
        stage=Stage.READY if draft.format is Format.TEXT else Stage.AWAITING_MEDIA,
        media=None,
    )
    problems: list[tuple[str, str]] = []
    if not t.title:
        problems.append(("title", "Donnez un titre au témoignage."))
    elif len(t.title) > MAX_TITLE:
        problems.append(("title", f"Indiquez au plus {MAX_TITLE} caractères."))
    if not t.jobs:
        problems.append(("jobs", "Indiquez au moins un métier (code ROME) dont parle le témoignage."))
    if len(t.jobs) > MAX_JOBS:
        problems.append(("jobs", f"Indiquez au plus {MAX_JOBS} métiers."))
    problems += [
        (f"jobs[{i}]", f"Métier inconnu (code ROME {code}) : choisissez-le dans la liste.")
        for i, code in enumerate(t.jobs)
        if jobs.job(code) is None
    ]
    problems += _content_problems(t)
    if problems:
        raise InvalidTestimony(problems)
    return t


def _content_problems(t: Testimony) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if t.format is Format.TEXT:
        if not t.text:
            problems.append(("text", "Écrivez le témoignage."))
        elif len(t.text) > MAX_TEXT:
            problems.append(("text", f"Indiquez au plus {MAX_TEXT} caractères."))
        return problems
    if not t.transcript and not t.subtitles:
        problems.append(
            (
                "subtitles",
                "Joignez des sous-titres (WebVTT) ou une transcription : chacun doit pouvoir suivre le témoignage, "
                "y compris sans l'entendre.",
            )
        )
    if len(t.transcript) > MAX_TRANSCRIPT:
        problems.append(("transcript", f"Indiquez au plus {MAX_TRANSCRIPT} caractères."))
    if len(t.subtitles) > MAX_SUBTITLES:
        problems.append(("subtitles", f"Le fichier de sous-titres dépasse {MAX_SUBTITLES} caractères."))
    elif t.subtitles:
        problems += [("subtitles", problem) for problem in webvtt.problems(t.subtitles)]
    return problems


def accepts(t: Testimony, container: Container | None) -> Container:
    """The file's format, if this testimony may carry it; MediaRefused otherwise (read from its content)."""
    kind = t.media_kind
    if kind is None:
        raise MediaRefused("Un témoignage écrit n'a pas de fichier.", field="media")
    if t.stage is not Stage.AWAITING_MEDIA:
        raise Conflict("Ce témoignage a déjà son fichier : ajoutez-en un nouveau.", field="media", code="media_stored")
    said = "une vidéo" if kind is MediaKind.VIDEO else "un enregistrement audio"
    if container is None:
        raise MediaRefused(
            f"Ce fichier n'est pas {said} reconnu : son contenu ne correspond à aucun format accepté ({KNOWN}), "
            "quel que soit son nom.",
            field="media",
        )
    if kind not in container.kinds:
        raise MediaRefused(f"Ce fichier {container.name} ne peut pas être {said}.", field="media")
    return container


def with_media(t: Testimony, media: Media) -> Testimony:
    return replace(t, media=media, stage=Stage.READY)


def may_see(t: Testimony, peer: Peer | None, agency_id: str, region_code: str) -> bool:
    """As for the peer who gave it: their agency, or the agencies of their region if they chose to be seen
    region-wide; never once the peer withdrew or was erased, nor before its file is stored."""
    return (
        peer is not None
        and peer.peer_id == t.peer_id
        and peer.status is Status.PUBLISHED
        and t.stage is Stage.READY
        and visible_to(peer, agency_id, region_code)
    )


def share_expiry(now: datetime, days: int) -> datetime:
    if not SHARE_DAYS[0] <= days <= SHARE_DAYS[1]:
        raise InvalidTestimony([("days", f"Indiquez entre {SHARE_DAYS[0]} et {SHARE_DAYS[1]} jours.")])
    return now + timedelta(days=days)


def watch_expiry(now: datetime) -> datetime:
    return now + timedelta(hours=WATCH_HOURS)
