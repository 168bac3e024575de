"""Sends the e-mails the dispatcher queued, through SMTP, each once; and what operators do with them.

Each e-mail goes through pending -> sending -> sent (`domain.email`). A pass reads the e-mails due:
pending ones whose time came, and those left `sending` past their lease. It claims each with one
conditional write on the e-mail as it read it: of two passes or two instances, one sends it. `sending` is
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
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from services.contracts.topics import dead_letter_topic
from services.kit.messaging import DLQ_ATTEMPTS, DLQ_ERROR, DLQ_FAILED_AT, DLQ_GROUP, DLQ_TOPIC
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate
from services.notifications.adapters.emails import Emails
from services.notifications.adapters.pushes import TOPIC
from services.notifications.adapters.smtp import Connection, SmtpSettings, build_message
from services.notifications.domain.email import (
    Claim,
    DeadLettered,
    Email,
    Fail,
    Refused,
    Retry,
    RetryPolicy,
    Role,
    Send,
    Status,
    decide,
)

log = logging.getLogger(__name__)

DEFAULT_POLICY = RetryPolicy()
DeadLetter = Callable[[str, str, bytes, dict[str, str]], Awaitable[None]]


class Mailer:
    def __init__(
        self,
        emails: Emails,
        settings: SmtpSettings,
        dead_letter: DeadLetter,
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        every: float = 5.0,
        sending_lease: float = 60.0,
        retention: timedelta = timedelta(days=90),
        batch: int = 200,
    ) -> None:
        self.emails = emails
        self.settings = settings
        self.dead_letter = dead_letter
        self.policy = policy
        self.every = every
        self.sending_lease = timedelta(seconds=sending_lease)
        self.retention = retention
        self.batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Every instance runs it (claims keep each e-mail to one sender): woken by its own dispatcher, and
        every `every` seconds for the others' e-mails, retries and abandoned claims."""
        adopted = await self.emails.give_purge_dates(self.retention, datetime.now(UTC))
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
                due = await self.emails.due(now, self.batch)
                for email in due:
                    claimed = await self.claim(email)
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

    async def claim(self, email: Email) -> Email | None:
        """This attempt, for this sender, if the e-mail is still as it was read; its `next_at` becomes the
        lease's end, when another sender may take it over."""
        claimed, _ = decide(email, Claim(self.sending_lease), Role.SENDER, datetime.now(UTC))
        try:
            await self.emails.save(email, claimed)
        except ConcurrentUpdate:
            return None
        return claimed

    async def _send(self, email: Email, now: datetime, connection: Connection) -> str:
        try:
            await asyncio.to_thread(connection.send, build_message(email, self.settings.sender))
        except (OSError, smtplib.SMTPException) as error:
            reason = f"{type(error).__name__}: {error}"
            # a server that cannot be reached is not this e-mail's fault: it waits for it, however long
            failed, dead_letters = decide(email, Fail(reason, connection.unreachable, self.policy), Role.SENDER, now)
            for dead in dead_letters:
                await self._dead_letter(dead)
            if failed.status is Status.PENDING:
                delay = (failed.next_at - now).total_seconds()
                log.warning(
                    "e-mail %s not sent (attempt %d): %s; again in %.0f s", email.id, email.attempts, reason, delay
                )
            await self._record(email, failed)
            return "failed" if failed.status is Status.FAILED else "retry"
        sent, _ = decide(email, Send(self.retention), Role.SENDER, datetime.now(UTC))
        await self._record(email, sent)
        return "sent"

    async def _record(self, claimed: Email, outcome: Email) -> None:
        """Unless another sender took the e-mail over after the lease meanwhile (its attempt is then theirs)."""
        with contextlib.suppress(ConcurrentUpdate):
            await self.emails.save(claimed, outcome)

    async def _dead_letter(self, dead: DeadLettered) -> None:
        """For the operators' dead-letter tools; the e-mail itself stays `failed` in the database and
        `POST /operations/emails/{id}/retry` sends it again (the record names no address)."""
        headers = {
            DLQ_ERROR: dead.reason.replace(dead.to, "<destinataire>")[:2000],
            DLQ_TOPIC: TOPIC,
            DLQ_GROUP: "notifications-mailer",
            DLQ_FAILED_AT: datetime.now(UTC).isoformat(),
            DLQ_ATTEMPTS: str(dead.attempts),
        }
        value = json.dumps({"email_id": dead.email_id, "recipient": dead.recipient, "kind": dead.kind})
        await self.dead_letter(dead_letter_topic(TOPIC), dead.email_id, value.encode(), headers)

    # -- operators ------------------------------------------------------------------------------------

    async def retry(self, email_id: str) -> bool:
        """A failed e-mail goes back to the queue with a fresh set of attempts; False if it is not failed."""
        found = await self.emails.get(email_id)
        if found is None:
            return False
        try:
            retried, _ = decide(found, Retry(), Role.OPERATOR, datetime.now(UTC))
            await self.emails.save(found, retried)
        except (Refused, ConcurrentUpdate):
            return False
        finally:
            self.wake()
        return True

    async def listed(self, status: str | None, after: str | None, limit: int) -> list[Document]:
        """The e-mails, newest first, without their text."""
        return await self.emails.listed(status, after, limit)

    async def seen(self, email_id: str) -> Document | None:
        """One e-mail as stored, its text included."""
        return await self.emails.document(email_id)
