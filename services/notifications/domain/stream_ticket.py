"""The ticket that opens a staff member's live stream: short-lived (60 s to open it), single-purpose
("live-stream"), bound to one staff member, used once, and signed (HMAC-SHA256 under a key derived from
the link signing key, so that neither a link nor a ticket passes for the other). The browser puts it in
the stream's URL (EventSource sends no headers) instead of the API token; the stream ends when the
session that asked for the ticket would have ended (`stream_until`). Pure code, no I/O."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PURPOSE = "live-stream"
OPENING_WINDOW = timedelta(seconds=60)


class InvalidTicket(ValueError):
    """The message, in French, says why (for the person whose live notifications stop)."""


@dataclass(frozen=True)
class StreamTicket:
    staff_id: str
    nonce: str  # what makes it single-use: recorded when the stream opens
    expires_at: datetime  # to open the stream
    stream_until: datetime  # the stream itself


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ticket_key(link_signing_key: str) -> bytes:
    return hmac.new(link_signing_key.encode(), b"parcours live-stream tickets", hashlib.sha256).digest()


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def issue(key: bytes, staff_id: str, session_ends: datetime | None, now: datetime) -> tuple[str, StreamTicket]:
    expires_at = now + OPENING_WINDOW
    ticket = StreamTicket(staff_id, secrets.token_urlsafe(16), expires_at, session_ends or expires_at)
    claims = {
        "p": PURPOSE,
        "s": staff_id,
        "n": ticket.nonce,
        "e": int(expires_at.timestamp()),
        "u": int(ticket.stream_until.timestamp()),
    }
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{body}.{_mac(key, body)}", ticket


def read(key: bytes, token: str, now: datetime) -> StreamTicket:
    body, _, mac = token.partition(".")
    if not body or not mac or not hmac.compare_digest(mac.encode(), _mac(key, body).encode()):
        raise InvalidTicket("Ce ticket de flux n'est pas valide (incomplet ou modifié).")
    try:
        claims = json.loads(_unb64(body))
        purpose, staff_id, nonce = str(claims["p"]), str(claims["s"]), str(claims["n"])
        expires, until = int(claims["e"]), int(claims["u"])
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidTicket("Ce ticket de flux n'est pas valide (illisible).") from error
    if purpose != PURPOSE:
        raise InvalidTicket("Ce ticket sert à autre chose qu'au flux des notifications.")
    if now.timestamp() > expires:
        raise InvalidTicket("Ce ticket de flux a expiré : demandez-en un autre (POST /stream-tickets).")
    return StreamTicket(staff_id, nonce, datetime.fromtimestamp(expires, UTC), datetime.fromtimestamp(until, UTC))
