"""Request -> component getters as `Annotated` aliases, and the listener of the live stream: a ticket in
the query (EventSource cannot send headers; the API token never goes in a URL), or the bearer header."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from services.kit.identity import caller_of_token, refuse_closed, unauthorized
from services.notifications.adapters.live import Hub
from services.notifications.domain.stream_ticket import InvalidTicket
from services.notifications.use_cases.inbox import Inbox
from services.notifications.use_cases.mailing import Mailer
from services.notifications.use_cases.people import People
from services.notifications.use_cases.preferences import ChannelChoices
from services.notifications.use_cases.stream_tickets import StreamTickets


def inbox(request: Request) -> Inbox:
    found: Inbox = request.app.state.inbox
    return found


def people(request: Request) -> People:
    found: People = request.app.state.people
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


def stream_tickets(request: Request) -> StreamTickets:
    found: StreamTickets = request.app.state.stream_tickets
    return found


@dataclass(frozen=True)
class Listener:
    """Who a live stream is for, and until when it may run."""

    staff_id: str
    until: datetime | None


async def stream_listener(
    request: Request,
    ticket: Annotated[
        str | None, Query(description="a ticket from POST /stream-tickets (EventSource cannot send headers)")
    ] = None,
) -> Listener:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        caller = await caller_of_token(request, header[7:])
        return Listener(caller.staff_id, caller.expires_at)
    if not ticket:
        raise unauthorized("Ticket de flux requis : demandez-en un par POST /stream-tickets.", "ticket_required")
    tickets: StreamTickets = request.app.state.stream_tickets
    try:
        opened = await tickets.open(ticket)
    except InvalidTicket as error:
        raise unauthorized(str(error), "invalid_ticket") from error
    await refuse_closed(request, opened.staff_id)
    return Listener(opened.staff_id, opened.stream_until)


InboxService = Annotated[Inbox, Depends(inbox)]
PeopleService = Annotated[People, Depends(people)]
ChoicesService = Annotated[ChannelChoices, Depends(choices)]
MailerService = Annotated[Mailer, Depends(mailer)]
LiveHub = Annotated[Hub, Depends(hub)]
StreamTicketsService = Annotated[StreamTickets, Depends(stream_tickets)]
StreamListener = Annotated[Listener, Depends(stream_listener)]
