"""Sends the e-mails the dispatcher wrote, through SMTP, each once.

Each e-mail goes through pending -> sending -> sent. `sending` is written before the SMTP exchange: a
service killed during it finds the e-mail `sending` on restart and sends it again with the same
Message-ID (`<id@parcours>`), which the relay or provider deduplicates (the local catcher does; SMTP
itself cannot tell us whether a message accepted just before a crash was delivered). An SMTP server that
is down means retries with a growing delay; after `max_attempts`, the e-mail goes to the dead-letter
topic with the reason and stays `failed` (nothing is lost: it can be sent again)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import smtplib
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.topics import dead_letter_topic
from services.kit.mongo import Document
from services.notifications.dispatcher import EMAILS, TOPIC

log = logging.getLogger(__name__)

DeadLetter = Callable[[str, str, bytes, dict[str, str]], Awaitable[None]]


class SmtpSettings:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        tls: str = "none",
        username: str = "",
        password: str = "",
        sender: str = "Parcours <ne-pas-repondre@parcours.test>",
        timeout: float = 10,
    ) -> None:
        self.host, self.port, self.tls = host, port, tls
        self.username, self.password, self.sender, self.timeout = username, password, sender, timeout


def message_id(email_id: str) -> str:
    """Stable per e-mail, so that a resend after a crash is recognised downstream; dot-atom characters only."""
    return f"<{email_id.replace(':', '.')}@parcours>"


def build_message(email: Document, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email["to"]
    message["Subject"] = email["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(email["_id"])
    message.set_content(email["text"])
    return message


class Connection:
    """One SMTP session for a pass over the due e-mails (blocking: use it from a thread), opened at the
    first message and opened again after a failure."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.tls == "implicit":
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.username:
            client.login(settings.username, settings.password)
        return client

    def send(self, message: EmailMessage) -> None:
        if self.client is None:
            self.client = self._open()
        try:
            self.client.send_message(message)
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.client.quit()
            self.client = None


class Mailer:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        settings: SmtpSettings,
        dead_letter: DeadLetter,
        *,
        max_attempts: int = 12,
        first_delay: float = 2.0,
        max_delay: float = 600.0,
        every: float = 5.0,
    ) -> None:
        self.emails = database[EMAILS]
        self.settings = settings
        self.dead_letter = dead_letter
        self.max_attempts, self.first_delay, self.max_delay, self.every = max_attempts, first_delay, max_delay, every
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.send_due(datetime.now(UTC))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("mailer pass failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.every)

    async def send_due(self, now: datetime) -> dict[str, int]:
        counts = {"sent": 0, "retry": 0, "failed": 0}
        due = await self.emails.find({"status": {"$in": ["pending", "sending"]}}).to_list()
        connection = Connection(self.settings)
        try:
            for email in sorted(due, key=lambda e: e["created_at"]):
                if email["status"] == "pending" and email["next_at"] > now:
                    continue
                counts[await self._send(email, now, connection)] += 1
        finally:
            await asyncio.to_thread(connection.close)
        return counts

    async def _send(self, email: Document, now: datetime, connection: Connection) -> str:
        attempts = email["attempts"] + 1
        await self.emails.update_one({"_id": email["_id"]}, {"$set": {"status": "sending", "attempts": attempts}})
        try:
            await asyncio.to_thread(connection.send, build_message(email, self.settings.sender))
        except (OSError, smtplib.SMTPException) as error:
            reason = f"{type(error).__name__}: {error}"
            if attempts >= self.max_attempts:
                await self._dead_letter(email, reason, attempts)
                await self.emails.update_one({"_id": email["_id"]}, {"$set": {"status": "failed", "error": reason}})
                return "failed"
            delay = min(self.first_delay * 2 ** (attempts - 1), self.max_delay)
            log.warning("e-mail %s not sent (attempt %d): %s; again in %.0f s", email["_id"], attempts, reason, delay)
            changes = {"status": "pending", "error": reason, "next_at": now + timedelta(seconds=delay)}
            await self.emails.update_one({"_id": email["_id"]}, {"$set": changes})
            return "retry"
        await self.emails.update_one({"_id": email["_id"]}, {"$set": {"status": "sent", "sent_at": datetime.now(UTC)}})
        return "sent"

    async def _dead_letter(self, email: Document, reason: str, attempts: int) -> None:
        headers = {"dlq_error": reason[:2000], "dlq_attempts": str(attempts), "dlq_origin_topic": TOPIC}
        value = json.dumps({"email_id": email["_id"], "recipient": email["recipient"], "kind": email["kind"]})
        await self.dead_letter(dead_letter_topic(TOPIC), email["_id"], value.encode(), headers)
