"""What the testimony routes take and answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.profiles import StepKind, Transition
from services.profiles.domain import testimony as rules
from services.reference import labels
from services.reference.labels import Labels

TESTIMONY_EXAMPLE: dict[str, Any] = {
    "format": "video",
    "title": "De la vente au développement web",
    "jobs": ["M1805"],
    "path_kind": "training",
    "transition": "chosen",
    "subtitles": "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nBonjour, je m'appelle Inès.\n",
}


class TestimonyIn(BaseModel):
    format: rules.Format = Field(description="video or audio (then upload its file), or text")
    title: str = Field(max_length=rules.MAX_TITLE * 2)
    jobs: list[str] = Field(max_length=rules.MAX_JOBS * 2, description="ROME codes the testimony speaks of")
    path_kind: StepKind | None = Field(default=None, description="the kind of path it tells")
    transition: Transition | None = Field(default=None, description="a chosen or an imposed transition")
    text: str = Field(default="", max_length=rules.MAX_TEXT * 2, description="a written testimony")
    transcript: str = Field(default="", max_length=rules.MAX_TRANSCRIPT * 2)
    subtitles: str = Field(default="", max_length=rules.MAX_SUBTITLES * 2, description="WebVTT")

    model_config = ConfigDict(json_schema_extra={"examples": [TESTIMONY_EXAMPLE]})

    def draft(self) -> rules.Testimony:
        """The fields the person gave; who, whose and when are the use case's to fill."""
        return rules.Testimony(
            testimony_id="",
            peer_id="",
            agency_id="",
            region_code="",
            format=self.format,
            title=self.title,
            jobs=tuple(self.jobs),
            path_kind=self.path_kind,
            transition=self.transition,
            added_by=rules.Author.PEER,
            created_at=datetime.now(UTC),
            text=self.text,
            transcript=self.transcript,
            subtitles=self.subtitles,
        )


class MediaOut(BaseModel):
    container: str
    content_type: str
    length: int


class Watch(BaseModel):
    """Where a player reads it: paths under the service's root, holding a link (a <video> sends no token)."""

    token: str
    media: str | None
    subtitles: str | None


class TestimonyOut(BaseModel):
    testimony_id: str
    peer_id: str
    format: rules.Format
    title: str
    jobs: list[str]
    path_kind: StepKind | None
    transition: Transition | None
    added_by: rules.Author
    created_at: datetime
    stage: rules.Stage
    text: str
    transcript: str
    has_subtitles: bool
    media: MediaOut | None
    labels: Labels
    watch: Watch | None = Field(default=None, description="once ready, how to play it")

    @classmethod
    def of(cls, t: rules.Testimony, watch_token: str | None = None) -> TestimonyOut:
        return cls(
            testimony_id=t.testimony_id,
            peer_id=t.peer_id,
            format=t.format,
            title=t.title,
            jobs=list(t.jobs),
            path_kind=t.path_kind,
            transition=t.transition,
            added_by=t.added_by,
            created_at=t.created_at,
            stage=t.stage,
            text=t.text,
            transcript=t.transcript,
            has_subtitles=bool(t.subtitles),
            media=MediaOut(container=t.media.container, content_type=t.media.content_type, length=t.media.length)
            if t.media
            else None,
            labels=labels.of_codes(t.jobs),
            watch=watched(t, watch_token) if watch_token and t.stage is rules.Stage.READY else None,
        )


def playable(t: rules.Testimony, token_of: Callable[[rules.Testimony], str]) -> TestimonyOut:
    """The testimony with its player link (`TestimonyService.watch_token`)."""
    return TestimonyOut.of(t, token_of(t))


def watched(t: rules.Testimony, token: str) -> Watch:
    return Watch(
        token=token,
        media=f"/links/testimonies/{token}/media" if t.media else None,
        subtitles=f"/links/testimonies/{token}/subtitles.vtt" if t.subtitles else None,
    )


class SharedTestimony(BaseModel):
    """What a beneficiary holding a share link reads: the testimony, nothing about who gave it."""

    format: rules.Format
    title: str
    jobs: list[str]
    path_kind: StepKind | None
    transition: Transition | None
    text: str
    transcript: str
    media: MediaOut | None
    labels: Labels
    watch: Watch

    @classmethod
    def of(cls, t: rules.Testimony, token: str) -> SharedTestimony:
        full = TestimonyOut.of(t, token)
        assert full.watch is not None
        return cls(**full.model_dump(include=set(cls.model_fields) - {"watch"}), watch=full.watch)


class ConsentIn(BaseModel):
    given: bool = Field(description="true: the peer agrees to their testimonies being shown; false: withdrawn")


class ConsentOut(BaseModel):
    peer_id: str
    given: bool
    testimonies_deleted: int = 0


class ShareIn(BaseModel):
    beneficiary_id: str = Field(max_length=100)
    days: int = Field(default=14, description="the link works this many days (1 to 30)")


class ShareOut(BaseModel):
    token: str
    page: str = Field(description="the console page the link opens (phone-friendly, no sign-in)")
    expires_at: datetime
