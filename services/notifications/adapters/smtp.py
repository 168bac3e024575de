"""The SMTP sender: an e-mail as a MIME message with a stable Message-ID, and one SMTP session per
mailer pass (plain, STARTTLS or implicit TLS, with or without login)."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

from services.notifications.domain.email import Email


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str = "none"  # none, starttls, implicit
    username: str = ""
    password: str = ""
    sender: str = "Parcours <ne-pas-repondre@parcours.test>"
    timeout: float = 10


def message_id(email_id: str) -> str:
    """Stable per e-mail, so that a resend after a crash is recognised downstream; dot-atom characters only."""
    return f"<{email_id.replace(':', '.')}@parcours>"


def sender_of(email: Email, sender: str) -> str:
    """The platform's address, under the agency's name when the e-mail has one ('Mission locale Nantes
    Métropole <ne-pas-repondre@parcours.test>'): people recognise who writes, replies still reach no one."""
    name, address = parseaddr(sender)
    return formataddr((email.sender_name or name, address), charset="utf-8")


def build_message(email: Email, sender: str) -> EmailMessage:
    """The plain text, and the HTML part as its alternative when the e-mail has one (multipart/alternative;
    an attachment added after them makes it multipart/mixed)."""
    message = EmailMessage()
    message["From"] = sender_of(email, sender)
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(email.id)
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        params = {"method": attachment.method} if attachment.method else {}
        if maintype == "text":
            message.add_attachment(attachment.text, subtype=subtype, filename=attachment.filename, params=params)
        else:
            data = attachment.text.encode()
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.filename)
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
