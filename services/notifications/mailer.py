"""Sends the e-mails the dispatcher wrote, through SMTP, each once.

Each e-mail goes through pending -> sending -> sent. A pass reads the e-mails due by the `{status, next_at}`
index (months of sent ones are not read): pending ones whose time came, and those left `sending` past
their lease. It claims each with one conditional update on the e-mail as it read it (its status and its
number of attempts, which the claim increases): of two passes or two instances, one sends it. `sending` is
written before the SMTP exchange, with the lease's end as its `next_at`: a sender killed during it leaves
the e-mail to be claimed again once the lease is over, and sent again with the same Message-ID
(`<id@parcours>`), which the relay or provider deduplicates (the local catcher does; SMTP itself cannot
tell us whether a message accepted just before a crash was delivered). An SMTP server that cannot be
reached stops the pass and the e-mails wait for it, with a growing delay, however long it takes; a message
the server refuses `max_attempts` times goes to the dead-letter topic with the reason and stays `failed`
(nothing is lost: `POST /operations/emails/{id}/retry` sends it again). A sent e-mail gets a `purge_at`,
the end of the retention period: a TTL index deletes it then (its text names the recipient)."""

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
from services.kit.messaging import DLQ_ATTEMPTS, DLQ_ERROR, DLQ_FAILED_AT, DLQ_GROUP, DLQ_TOPIC
from services.kit.mongo import Document
from services.kit.pagination import newest_page
from services.notifications.dispatcher import EMAILS, TOPIC

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

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
        self.unreachable = False  # the last failure was to reach the server, not this message

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
            try:
                self.client = self._open()
            except (OSError, smtplib.SMTPException):
                self.unreachable = True
                raise
        self.unreachable = False
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
        sending_lease: float = 60.0,
        retention: timedelta = timedelta(days=90),
        batch: int = 200,
    ) -> None:
        self.emails = database[EMAILS]
        self.sending_lease = timedelta(seconds=sending_lease)
        self.retention = retention
        self.settings = settings
        self.dead_letter = dead_letter
        self.max_attempts, self.first_delay, self.max_delay, self.every = max_attempts, first_delay, max_delay, every
        self.batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Every instance runs it (claims keep each e-mail to one sender): woken by its own dispatcher, and
        every `every` seconds for the others' e-mails, retries and abandoned claims."""
        adopted = await self.adopt_former()
        if adopted:
            log.info("%d sent e-mails stored before purge_at got theirs", adopted)
        while True:
            self._wake.clear()  # before the pass: a wake during it means another pass
            try:
                await self.send_due(datetime.now(UTC))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("mailer pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.every)

    async def send_due(self, now: datetime) -> dict[str, int]:
        counts = {"sent": 0, "retry": 0, "failed": 0}
        connection = Connection(self.settings)
        try:
            while True:
                due = await self.due(now)
                for email in due:
                    claimed = await self._claim(email)
                    if claimed is None:
                        continue  # another sender has it, or it changed (erased, retried) since it was read
                    outcome = await self._send(claimed, now, connection)
                    counts[outcome] += 1
                    if outcome == "retry" and connection.unreachable:
                        return counts  # the server is down: the others keep their attempts for when it is back
                if len(due) < self.batch:  # what this batch did leaves the due set: the next one is new
                    return counts
        finally:
            await asyncio.to_thread(connection.close)

    async def due(self, now: datetime) -> list[Document]:
        """The e-mails to send at `now`, longest waiting first: pending ones whose time came, and those left
        `sending` past their lease (their sender died). By the `{status, next_at}` index."""
        query = {"status": {"$in": [PENDING, SENDING]}, "next_at": {"$lte": now}}
        return await self.emails.find(query).sort("next_at", 1).limit(self.batch).to_list()

    async def _claim(self, email: Document) -> Document | None:
        """This attempt, for this sender, if the e-mail is still as it was read (its status and number of
        attempts, which the claim increases): one conditional update, so of two senders one wins. Its
        `next_at` becomes the lease's end, when another sender may take it over."""
        since = datetime.now(UTC)
        claim = {
            "status": SENDING,
            "attempts": email["attempts"] + 1,
            "sending_since": since,
            "next_at": since + self.sending_lease,
        }
        as_read = {"_id": email["_id"], "status": email["status"], "attempts": email["attempts"]}
        result = await self.emails.update_one(as_read, {"$set": claim})
        return {**email, **claim} if result.modified_count == 1 else None

    async def _send(self, email: Document, now: datetime, connection: Connection) -> str:
        attempts = email["attempts"]
        mine = {"_id": email["_id"], "attempts": attempts}  # unless taken over after the lease meanwhile
        try:
            await asyncio.to_thread(connection.send, build_message(email, self.settings.sender))
        except (OSError, smtplib.SMTPException) as error:
            reason = f"{type(error).__name__}: {error}"
            # a server that cannot be reached is not this e-mail's fault: it waits for it, however long
            if not connection.unreachable and attempts - email.get("attempts_before", 0) >= self.max_attempts:
                await self._dead_letter(email, reason, attempts)
                await self.emails.update_one(mine, {"$set": {"status": FAILED, "error": reason}})
                return "failed"
            doublings = min(attempts - email.get("attempts_before", 0) - 1, 20)
            delay = min(self.first_delay * 2**doublings, self.max_delay)
            log.warning("e-mail %s not sent (attempt %d): %s; again in %.0f s", email["_id"], attempts, reason, delay)
            changes = {"status": PENDING, "error": reason, "next_at": now + timedelta(seconds=delay)}
            await self.emails.update_one(mine, {"$set": changes})
            return "retry"
        sent_at = datetime.now(UTC)
        await self.emails.update_one(
            mine, {"$set": {"status": SENT, "sent_at": sent_at, "purge_at": sent_at + self.retention}}
        )
        return "sent"

    async def listed(self, status: str | None, after: str | None, limit: int) -> list[Document]:
        """The e-mails for operators, newest first (by the `_id` index, after the cursor), without their text."""
        return await newest_page(self.emails, {"status": status} if status else {}, after, limit, {"text": 0})

    async def adopt_former(self) -> int:
        """Sent e-mails stored before `purge_at` existed get theirs (found by the TTL index: those lacking
        it), so that the retention holds for them too."""
        adopted = 0
        async for email in self.emails.find({"purge_at": {"$exists": False}, "status": SENT}, {"sent_at": 1}):
            sent_at = email.get("sent_at") or datetime.now(UTC)
            await self.emails.update_one({"_id": email["_id"]}, {"$set": {"purge_at": sent_at + self.retention}})
            adopted += 1
        return adopted

    async def _dead_letter(self, email: Document, reason: str, attempts: int) -> None:
        """For the operators' dead-letter tools; the e-mail itself stays `failed` in the database and
        `POST /operations/emails/{id}/retry` sends it again (the record names no address)."""
        headers = {
            DLQ_ERROR: reason.replace(email["to"], "<destinataire>")[:2000],
            DLQ_TOPIC: TOPIC,
            DLQ_GROUP: "notifications-mailer",
            DLQ_FAILED_AT: datetime.now(UTC).isoformat(),
            DLQ_ATTEMPTS: str(attempts),
        }
        value = json.dumps({"email_id": email["_id"], "recipient": email["recipient"], "kind": email["kind"]})
        await self.dead_letter(dead_letter_topic(TOPIC), email["_id"], value.encode(), headers)

    async def retry(self, email_id: str) -> bool:
        """A failed e-mail goes back to the queue with a fresh set of attempts."""
        found = await self.emails.find_one({"_id": email_id})
        if found is None or found["status"] != FAILED:
            return False
        # the attempt counter keeps growing (claims are per attempt); the limit counts from here
        changes = {"status": PENDING, "attempts_before": found["attempts"], "next_at": datetime.now(UTC)}
        result = await self.emails.update_one({"_id": email_id, "status": FAILED}, {"$set": changes})
        self.wake()
        return result.modified_count == 1
