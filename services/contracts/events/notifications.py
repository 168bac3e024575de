"""Payloads published by the notifications service."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class NotificationCreatedV1(BaseModel):
    """A notification entered a staff member's inbox: every instance of the service pushes it live to that
    person's open browsers, or a grouped one grew (the same `notification_id`, a new `sequence`). Its text
    names no one (events carry ids, not names): the service names the people it is about as it shows it."""

    model_config = ConfigDict(extra="ignore")

    notification_id: str = Field(description="the inbox entry (mark it read with it)")
    sequence: str = Field(default="", description="in the order entries were stored: the Last-Event-ID to resume from")
    staff_id: str
    agency_id: str
    kind: str
    title: str
    body: str
    url: str = Field(default="", description="where the console shows it")
    subject_id: str = Field(default="", description="the beneficiary, introduction or convention concerned")
    created_at: datetime
    beneficiary_id: str = Field(default="", description="the beneficiary it is about, named when shown")
    peer_ids: list[str] = Field(
        default_factory=list, description="the peers it is about (a grouped suggestion's, in the order suggested)"
    )
