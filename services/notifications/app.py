"""The composition root of the notifications service: its settings, its repositories, use cases, event
handlers, routes and periodic jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from fastapi import FastAPI
from pydantic import Field

from services.kit.consumer_service import build_consumer_app
from services.kit.errors import answer_errors
from services.kit.messaging import EventRouter
from services.kit.settings import LinkSigningSettings
from services.notifications.adapters.convention_contacts import ConventionContacts
from services.notifications.adapters.emails import Emails
from services.notifications.adapters.inbox import InboxEntries
from services.notifications.adapters.indexes import INDEXES, forget_former
from services.notifications.adapters.live import Hub, broadcast
from services.notifications.adapters.owners import Owners
from services.notifications.adapters.peer_contacts import PeerContacts
from services.notifications.adapters.preferences import Preferences
from services.notifications.adapters.pushes import PUSHES, Pushes
from services.notifications.adapters.smtp import SmtpSettings
from services.notifications.adapters.staff_contacts import StaffContacts
from services.notifications.adapters.stream_tickets import UsedStreamTickets
from services.notifications.api import REFUSALS, ROUTERS
from services.notifications.domain.email import RetryPolicy
from services.notifications.handlers import Handlers
from services.notifications.use_cases.directory import Directory
from services.notifications.use_cases.dispatch import Dispatcher
from services.notifications.use_cases.erasure import Erasure
from services.notifications.use_cases.inbox import Inbox
from services.notifications.use_cases.links import Links
from services.notifications.use_cases.mailing import Mailer
from services.notifications.use_cases.people import People
from services.notifications.use_cases.preferences import ChannelChoices
from services.notifications.use_cases.stream_tickets import StreamTickets


class NotificationsSettings(LinkSigningSettings):
    service_name: str = "notifications"
    http_port: int = Field(default=8004, ge=1, le=65535)
    consumer_parallel_keys: int = Field(
        default=8, ge=1, le=64, description="aggregates whose events are dispatched at once (database round trips)"
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_tls: Literal["none", "starttls", "implicit"] = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_sender: str = "Parcours <ne-pas-repondre@parcours.test>"
    email_max_attempts: int = Field(default=12, ge=1, description="then the dead-letter topic")
    email_first_retry_seconds: float = Field(default=2.0, gt=0, description="doubles at each attempt, up to 10 min")
    email_retention_days: int = Field(
        default=90, ge=1, description="sent e-mails (their text names the recipient) are deleted after this"
    )
    email_sending_lease_seconds: float = Field(
        default=60, gt=0, description="an e-mail left 'sending' this long is sent again (its sender died)"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="the console's address: the links in e-mails open its pages"
    )
    profiles_url: str = Field(
        default="http://127.0.0.1:8001",
        description="where staff's and peers' contact points are fetched (comma: instances)",
    )
    placements_url: str = Field(
        default="http://127.0.0.1:8003", description="where a convention's parties' contact points are fetched"
    )
    matching_url: str = Field(
        default="http://127.0.0.1:8002", description="where a meeting's place and time are fetched (invitations)"
    )


def build_app(settings: NotificationsSettings) -> FastAPI:
    router = EventRouter()
    app, runtime = build_consumer_app(
        settings,
        title="Parcours · notifications",
        description="Who hears what: inboxes and live push for staff, e-mail for everyone, once each.",
        router=router,
        routers=ROUTERS,
        aggregate_collections=[PUSHES],
        indexes=INDEXES,
        setup_database=forget_former,
    )
    answer_errors(app, REFUSALS)
    smtp = SmtpSettings(
        settings.smtp_host,
        settings.smtp_port,
        tls=settings.smtp_tls,
        username=settings.smtp_username,
        password=settings.smtp_password,
        sender=settings.smtp_sender,
    )

    async def dead_letter(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        await runtime.broker.publish(value, topic=topic, key=key.encode(), headers=headers)

    emails = Emails(runtime.db)
    mailer = Mailer(
        emails,
        smtp,
        dead_letter,
        policy=RetryPolicy(settings.email_max_attempts, settings.email_first_retry_seconds),
        sending_lease=settings.email_sending_lease_seconds,
        retention=timedelta(days=settings.email_retention_days),
    )
    owners = Owners(settings.profiles_url, settings.placements_url, settings.link_signing_key, settings.matching_url)
    runtime.on_stop.append(owners.close)
    directory = Directory(StaffContacts(runtime.db), PeerContacts(runtime.db), ConventionContacts(runtime.db), owners)
    inbox = Inbox(InboxEntries(runtime.db), Pushes(runtime.db, runtime.outbox))
    choices = ChannelChoices(Preferences(runtime.db))
    links = Links(settings.link_signing_key, settings.public_url)
    dispatcher = Dispatcher(
        directory,
        inbox,
        choices,
        emails,
        links,
        mailer.wake,
        organizer=settings.smtp_sender,
        agency_name=app.state.agency_directory.name_of,
    )
    Handlers(directory, dispatcher, Erasure(directory, emails)).subscribe(router)
    hub = Hub()
    # On every instance: claims keep each e-mail to one sender, and each instance streams to its own
    # browsers every record of the delivery topic. Sent e-mails and push records go by their TTL indexes.
    runtime.every("mailer", 1, mailer.run, each_instance=True)
    runtime.every("live-delivery", 1, lambda: broadcast(settings.kafka_bootstrap_servers, hub), each_instance=True)
    app.state.inbox, app.state.choices, app.state.mailer, app.state.hub = inbox, choices, mailer, hub
    app.state.people = People(owners.names)
    app.state.stream_tickets = StreamTickets(settings.link_signing_key, UsedStreamTickets(runtime.db))
    return app
