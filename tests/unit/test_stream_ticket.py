"""The live stream's ticket: signed, single-purpose, bound to one staff member, short-lived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.kit import links
from services.notifications.domain import stream_ticket
from services.notifications.domain.stream_ticket import InvalidTicket

LINK_KEY = "a-link-signing-key-of-at-least-32-characters"
KEY = stream_ticket.ticket_key(LINK_KEY)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_ticket_names_its_staff_member_and_the_end_of_the_session_that_asked_for_it() -> None:
    token, issued = stream_ticket.issue(KEY, "staff-1", NOW + timedelta(minutes=15), NOW)
    read = stream_ticket.read(KEY, token, NOW + timedelta(seconds=59))
    assert (read.staff_id, read.nonce) == ("staff-1", issued.nonce)
    assert read.stream_until == NOW + timedelta(minutes=15)
    other, _ = stream_ticket.issue(KEY, "staff-1", None, NOW)
    assert stream_ticket.read(KEY, other, NOW).nonce != issued.nonce, "each ticket is its own"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda t: t, "expiré"),
        (lambda t: t[:-3] + ("aaa" if not t.endswith("aaa") else "bbb"), "modifié"),
        (lambda t: "nothing", "modifié"),
    ],
)
def test_late_altered_or_made_up_tickets_are_refused_in_french(make: object, words: str) -> None:
    token, _ = stream_ticket.issue(KEY, "staff-1", None, NOW)
    assert callable(make)
    with pytest.raises(InvalidTicket, match=words):
        stream_ticket.read(KEY, make(token), NOW + timedelta(seconds=61))


def test_neither_a_link_nor_a_ticket_passes_for_the_other() -> None:
    link = links.sign(LINK_KEY, stream_ticket.PURPOSE, "staff-1", NOW + timedelta(hours=1))
    with pytest.raises(InvalidTicket):
        stream_ticket.read(KEY, link, NOW)
    token, _ = stream_ticket.issue(KEY, "staff-1", None, NOW)
    with pytest.raises(links.InvalidLink):
        links.verify(LINK_KEY, token, stream_ticket.PURPOSE, NOW)
