"""Request -> component getters as `Annotated` aliases, and the caller of the live stream (its token in
the header, or in the query for EventSource, which cannot send headers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials

from services.kit.identity import Caller, current_caller
from services.notifications.adapters.live import Hub
from services.notifications.use_cases.inbox import Inbox
from services.notifications.use_cases.mailing import Mailer
from services.notifications.use_cases.preferences import ChannelChoices


def inbox(request: Request) -> Inbox:
    found: Inbox = request.app.state.inbox
    return found


def choices(request: Request) -> ChannelChoices:
    found: ChannelChoices = request.app.state.choices
    return found


def mailer(request: Request) -> Mailer:
    found: Mailer = request.app.state.mailer
    return found


def hub(request: Request) -> Hub:
    found: Hub = request.app.state.hub
    return found


def stream_caller(
    request: Request,
    access_token: Annotated[str | None, Query(description="EventSource cannot send headers: the token here")] = None,
) -> Caller:
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else access_token
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token) if token else None
    return current_caller(request, credentials)


InboxService = Annotated[Inbox, Depends(inbox)]
ChoicesService = Annotated[ChannelChoices, Depends(choices)]
MailerService = Annotated[Mailer, Depends(mailer)]
LiveHub = Annotated[Hub, Depends(hub)]
StreamCaller = Annotated[Caller, Depends(stream_caller)]
