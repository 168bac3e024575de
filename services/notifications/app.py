"""The composition root of the notifications service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from pydantic import Field

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import PersonErasedV1
from services.kit.auth import require_operator
from services.kit.consumer_service import build_consumer_app
from services.kit.messaging import EventRouter
from services.kit.pagination import After, announce_next
from services.kit.settings import LinkSigningSettings
from services.notifications import api
from services.notifications.adapters.indexes import INDEXES, forget_former
from services.notifications.directory import Directory
from services.notifications.dispatcher import PUSHES, Dispatcher
from services.notifications.live import Hub, broadcast
from services.notifications.mailer import Mailer, SmtpSettings


class NotificationsSettings(LinkSigningSettings):
    service_name: str = "notifications"
    http_port: int = Field(default=8004, ge=1, le=65535)
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


def as_seen(email: dict[str, Any]) -> dict[str, Any]:
    """An e-mail as operators see it: its id under a name that says what it is."""
    return {"email_id": email["_id"], **{k: v for k, v in email.items() if k != "_id"}}


def build_app(settings: NotificationsSettings) -> FastAPI:
    router = EventRouter()
    app, runtime = build_consumer_app(
        settings,
        title="Parcours · notifications",
        description="Who hears what: inboxes and live push for staff, e-mail for everyone, once each.",
        router=router,
        routers=[api.router],
        aggregate_collections=[PUSHES],
        indexes=INDEXES,
        setup_database=forget_former,
    )
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

    mailer = Mailer(
        runtime.db,
        smtp,
        dead_letter,
        max_attempts=settings.email_max_attempts,
        first_delay=settings.email_first_retry_seconds,
        sending_lease=settings.email_sending_lease_seconds,
        retention=timedelta(days=settings.email_retention_days),
    )
    directory = Directory(runtime.db).subscribe(router)
    dispatcher = Dispatcher(
        runtime.db, directory, runtime.outbox, settings.link_signing_key, settings.public_url, mailer.wake
    )
    dispatcher.subscribe(router)

    async def on_erased(envelope: Envelope, payload: PersonErasedV1) -> None:
        """Their contact points, and the e-mails to them (which hold their name and address), go."""
        keys = await directory.forget(payload)
        if keys:
            await mailer.emails.delete_many({"recipient": {"$in": keys}})

    router.on("profiles.person.erased", on_erased)
    hub = Hub()
    # On every instance: claims keep each e-mail to one sender, and each instance streams to its own
    # browsers every record of the delivery topic. Sent e-mails and push records go by their TTL indexes.
    runtime.every("mailer", 1, mailer.run, each_instance=True)
    runtime.every("live-delivery", 1, lambda: broadcast(settings.kafka_bootstrap_servers, hub), each_instance=True)
    app.state.dispatcher, app.state.hub, app.state.mailer = dispatcher, hub, mailer

    @app.post(
        "/operations/emails/send",
        dependencies=[Depends(require_operator)],
        tags=["operations"],
        summary="Send the e-mails due now (the mailer also runs by itself)",
    )
    async def send_due(request: Request, as_of: Annotated[datetime | None, Query()] = None) -> dict[str, int]:
        return await mailer.send_due(as_of or datetime.now(UTC))

    @app.get(
        "/operations/emails",
        dependencies=[Depends(require_operator)],
        tags=["operations"],
        summary="The e-mails by status (pending, sending, sent, failed), newest first, without their text; the "
        "next page is announced in the X-Next-Cursor and Link headers (?after=)",
    )
    async def emails(
        request: Request,
        response: Response,
        status: Annotated[str | None, Query(max_length=20)] = None,
        after: After = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[dict[str, Any]]:
        found = await mailer.listed(status, after, limit)
        announce_next(request, response, found, limit)
        return [as_seen(e) for e in found]

    @app.post(
        "/operations/emails/{email_id}/retry",
        dependencies=[Depends(require_operator)],
        tags=["operations"],
        summary="Send a failed (dead-lettered) e-mail again, once its cause is fixed",
    )
    async def retry(email_id: str) -> dict[str, str]:
        if not await mailer.retry(email_id):
            raise HTTPException(409, f"no failed e-mail {email_id}")
        return {"email_id": email_id, "status": "pending"}

    @app.get(
        "/operations/emails/{email_id}",
        dependencies=[Depends(require_operator)],
        tags=["operations"],
        summary="One e-mail, its text included (to follow a link by hand, or check what was sent)",
    )
    async def email(email_id: str) -> dict[str, Any]:
        found = await mailer.emails.find_one({"_id": email_id})
        if found is None:
            raise HTTPException(404, f"no e-mail {email_id}")
        return as_seen(found)

    return app
