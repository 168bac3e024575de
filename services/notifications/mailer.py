"""Sends the e-mails the dispatcher wrote, through SMTP, each once.

Each e-mail goes through pending -> sending -> sent. `sending` is written before the SMTP exchange: a
service killed during it finds the e-mail `sending` on restart and sends it again with the same
Message-ID (`<id@parcours>`), which the relay or provider deduplicates (the local catcher does; SMTP
itself cannot tell us whether a message accepted just before a crash was delivered). Each attempt is
claimed by a unique insert, so two passes or two instances never send the same attempt. An SMTP server
that cannot be reached stops the pass and the e-mails wait for it, with a growing delay, however long it
takes; a message the server refuses `max_attempts` times goes to the dead-letter topic with the reason
and stays `failed` (nothing is lost: `POST /operations/emails/{id}/retry` sends it again)."""

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
from pymongo.errors import DuplicateKeyError

from services.contracts.topics import dead_letter_topic
from services.kit.messaging import DLQ_ATTEMPTS, DLQ_ERROR, DLQ_FAILED_AT, DLQ_GROUP, DLQ_TOPIC
from services.kit.mongo import Document
from services.notifications.dispatcher import EMAILS, EMAILS_DUE, TOPIC, mark_due

CLAIMS = "email_claims"

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
    ) -> None:
        self.emails = database[EMAILS]
        self.due = database[EMAILS_DUE]
        self.claims = database[CLAIMS]
        self.sending_lease = timedelta(seconds=sending_lease)
        self.settings = settings
        self.dead_letter = dead_letter
        self.max_attempts, self.first_delay, self.max_delay, self.every = max_attempts, first_delay, max_delay, every
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def adopt_pending(self) -> int:
        """E-mails queued before the due markers existed (one read of the e-mails, at start-up)."""
        waiting = await self.emails.find({"status": {"$in": ["pending", "sending"]}}, {"created_at": 1}).to_list()
        for email in waiting:
            await mark_due(self.emails.database, email["_id"], email["created_at"])
        return len(waiting)

    async def run(self) -> None:
        await self.adopt_pending()
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
        due = await self._due()
        connection = Connection(self.settings)
        try:
            for email in sorted(due, key=lambda e: e["created_at"]):
                if email["status"] == "pending" and email["next_at"] > now:
                    continue
                since = email.get("sending_since") or datetime.min.replace(tzinfo=UTC)
                if email["status"] == "sending" and since > now - self.sending_lease:
                    continue  # another pass is on it; after the lease, its sender is taken for dead
                claimed = await self._claim(email, now)
                if claimed is None:
                    continue
                outcome = await self._send(claimed, now, connection)
                counts[outcome] += 1
                if outcome == "retry" and connection.unreachable:
                    break  # the server is down: the other e-mails keep their attempts for when it is back
        finally:
            await asyncio.to_thread(connection.close)
        return counts

    async def _due(self) -> list[Document]:
        """The e-mails still to send, read by `_id` from their markers (the e-mails themselves are kept
        for months once sent; reading them all each pass would grow with them on FerretDB)."""
        markers = await self.due.find({}, {"_id": 1}).to_list()
        found = await asyncio.gather(*(self.emails.find_one({"_id": m["_id"]}) for m in markers))
        due = []
        for marker, email in zip(markers, found, strict=True):
            if email is None or email["status"] not in ("pending", "sending"):
                await self.due.delete_one({"_id": marker["_id"]})  # sent, failed or erased
            else:
                due.append(email)
        return due

    async def purge_sent(self, older_than: datetime) -> int:
        """Sent e-mails past the retention period: their text names the recipient."""
        return (await self.emails.delete_many({"status": "sent", "sent_at": {"$lt": older_than}})).deleted_count

    async def purge_claims(self, older_than: datetime) -> int:
        """Claims older than any pass can last: only their ids mattered, while a pass could be running."""
        return (await self.claims.delete_many({"at": {"$lt": older_than}})).deleted_count

    async def _claim(self, email: Document, now: datetime) -> Document | None:
        """One sender per attempt, across passes and instances: a unique insert, which both MongoDB and
        FerretDB make atomic (an update's filter on the status is not, on FerretDB). A claim older than
        the lease belongs to a sender that died before marking the e-mail: it is taken over. Returns the
        e-mail as it is now (an erasure may have deleted it meanwhile), or None."""
        claim_id = f"{email['_id']}#{email['attempts'] + 1}"
        try:
            await self.claims.insert_one({"_id": claim_id, "at": datetime.now(UTC)})
        except DuplicateKeyError:
            held = await self.claims.find_one({"_id": claim_id})
            if held is None or held["at"] > now - self.sending_lease:
                return None
            await self.claims.update_one({"_id": claim_id}, {"$set": {"at": datetime.now(UTC)}})
        current = await self.emails.find_one({"_id": email["_id"]})
        if (
            current is None
            or current["status"] not in ("pending", "sending")
            or current["attempts"] != email["attempts"]
        ):
            return None
        return current

    async def _send(self, email: Document, now: datetime, connection: Connection) -> str:
        attempts = email["attempts"] + 1
        sending = {"status": "sending", "attempts": attempts, "sending_since": datetime.now(UTC)}
        await self.emails.update_one({"_id": email["_id"]}, {"$set": sending})
        try:
            await asyncio.to_thread(connection.send, build_message(email, self.settings.sender))
        except (OSError, smtplib.SMTPException) as error:
            reason = f"{type(error).__name__}: {error}"
            # a server that cannot be reached is not this e-mail's fault: it waits for it, however long
            if not connection.unreachable and attempts - email.get("attempts_before", 0) >= self.max_attempts:
                await self._dead_letter(email, reason, attempts)
                await self.emails.update_one({"_id": email["_id"]}, {"$set": {"status": "failed", "error": reason}})
                await self.due.delete_one({"_id": email["_id"]})
                return "failed"
            doublings = min(attempts - email.get("attempts_before", 0) - 1, 20)
            delay = min(self.first_delay * 2**doublings, self.max_delay)
            log.warning("e-mail %s not sent (attempt %d): %s; again in %.0f s", email["_id"], attempts, reason, delay)
            changes = {"status": "pending", "error": reason, "next_at": now + timedelta(seconds=delay)}
            await self.emails.update_one({"_id": email["_id"]}, {"$set": changes})
            return "retry"
        await self.emails.update_one({"_id": email["_id"]}, {"$set": {"status": "sent", "sent_at": datetime.now(UTC)}})
        await self.due.delete_one({"_id": email["_id"]})
        return "sent"

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
        changes = {"status": "pending", "attempts_before": 0, "next_at": datetime.now(UTC)}
        found = await self.emails.find_one({"_id": email_id})
        if found is None or found["status"] != "failed":
            return False
        # the attempt counter keeps growing (claims are per attempt); the limit counts from here
        changes["attempts_before"] = found["attempts"]
        await mark_due(self.emails.database, email_id, found["created_at"])
        await self.emails.update_one({"_id": email_id}, {"$set": changes})
        self.wake()
        return True
