"""Secure links for people without an account (peers, beneficiaries, employers): a token naming one
purpose and one subject, with an expiry, signed with HMAC-SHA256 under a key that the service acting on
the link and the service e-mailing it share (`PARCOURS_LINK_SIGNING_KEY`). No secret travels in events:
the e-mailing service signs the link itself from the subject id the event carries. Each purpose, with the
page its link opens, is in `services.contracts.links`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from datetime import UTC, datetime
from pathlib import Path

MINIMUM_KEY_LENGTH = 32


class InvalidLink(Exception):
    """The link is malformed, forged, for something else, or expired: the message says which."""


class LinkExpired(InvalidLink):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: str, body: str) -> str:
    return _b64(hmac.new(key.encode(), body.encode(), hashlib.sha256).digest())


def sign(key: str, purpose: str, subject: str, expires_at: datetime) -> str:
    body = _b64(json.dumps({"p": purpose, "s": subject, "e": int(expires_at.timestamp())}).encode())
    return f"{body}.{_mac(key, body)}"


def verify(key: str, token: str, purpose: str, now: datetime | None = None) -> str:
    """The subject the link was made for."""
    body, _, mac = token.partition(".")
    if not body or not mac or not hmac.compare_digest(mac.encode(), _mac(key, body).encode()):
        raise InvalidLink("this link is not valid (incomplete or altered)")
    try:
        claims = json.loads(_unb64(body))
        subject, made_for, expires = str(claims["s"]), str(claims["p"]), int(claims["e"])
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidLink("this link is not valid (unreadable)") from error
    if made_for != purpose:
        raise InvalidLink("this link is for something else")
    if (now or datetime.now(UTC)).timestamp() > expires:
        raise LinkExpired("this link has expired")
    return subject


def local_key() -> str:
    """The key of the local platform (`make run` writes it), for demo scripts that print links."""
    key = os.environ.get("PARCOURS_LINK_SIGNING_KEY", "")
    if key:
        return key
    folder = Path(os.environ.get("PARCOURS_DATA_DIR", ".data/local"))
    return (folder / "keys" / "link-signing.key").read_text().strip()
