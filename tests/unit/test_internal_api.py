"""The service tokens of the internal routes: who signed, for one minute, never mistaken for a link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.kit import links
from services.kit.internal_api import caller_of, token_for

KEY = "a-link-signing-key-of-at-least-32-characters"


def test_a_token_names_its_service_and_dies_after_a_minute() -> None:
    assert caller_of(KEY, token_for(KEY, "notifications")) == "notifications"
    old = token_for(KEY, "notifications", now=datetime.now(UTC) - timedelta(minutes=2))
    with pytest.raises(links.LinkExpired):
        caller_of(KEY, old)


def test_neither_another_key_nor_a_link_nor_an_altered_token_passes() -> None:
    with pytest.raises(links.InvalidLink):
        caller_of(KEY, token_for("another-key-of-at-least-32-characters-long", "notifications"))
    link = links.sign(KEY, "internal-api", "notifications", datetime.now(UTC) + timedelta(minutes=1))
    with pytest.raises(links.InvalidLink):
        caller_of(KEY, link)  # signed with the link key itself: a link can never stand for a service
    body, _, mac = token_for(KEY, "notifications").partition(".")
    with pytest.raises(links.InvalidLink):
        caller_of(KEY, body + "." + mac[::-1])
