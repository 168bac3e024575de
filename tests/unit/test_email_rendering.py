"""What an e-mail looks like: a plain-text part and an HTML part saying the same thing, who sends it (the
agency), what, when (in French) and why; one button; the secure link never printed in the HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser

from services.notifications.adapters.smtp import build_message
from services.notifications.domain.email import Email, Status
from services.notifications.domain.layout import render
from services.notifications.domain.messages import Message, message
from services.notifications.domain.routing import ROUTES, Kind

SECRET = "https://console.example/links/introductions/eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.AbCdEf0123456789"
PROFILE = "https://console.example/links/peers/eyJwZWVyIjoicDEifQ.ZmFrZQ.XyZ987"
AGENCY = "Mission locale Nantes Métropole"
REQUEST = {
    "purpose": "job_inquiry",
    "target_job": "M1855",
    "expires_at": "2026-12-01T13:30:00+00:00",
    "peer_id": "p1",
}


class Reader(HTMLParser):
    """The words a mail client shows, and the addresses behind its links."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.hrefs: list[str] = []
        self.buttons: list[str] = []
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
            self._in_link = True

    def handle_endtag(self, tag: str) -> None:
        self._in_link = tag != "a" and self._in_link

    def handle_data(self, data: str) -> None:
        self.words.append(data)
        if self._in_link:
            self.buttons.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    return reader


def test_a_peers_request_says_who_what_when_and_why_with_one_button() -> None:
    rendered = render(message(Kind.INTRODUCTION_REQUEST, REQUEST, SECRET, "", PROFILE, AGENCY), "Lucas", AGENCY)
    shown = read(rendered.html)
    assert rendered.subject == "[Parcours] Une personne aimerait échanger avec vous"
    assert AGENCY in shown.text  # who
    assert "Développeur / Développeuse web" in shown.text and "M1855" not in shown.text  # what, in words
    assert "mardi 1er décembre 2026 à 14 h 30" in shown.text  # when, in French and Paris time
    assert "Vous recevez ce message parce que" in shown.text  # why
    assert shown.hrefs == [SECRET, PROFILE] and shown.buttons[0] == "Répondre à la demande"
    for text in (rendered.text, rendered.html):
        assert "mardi 1er décembre 2026 à 14 h 30" in text and "Vous recevez ce message parce que" in text


def test_no_link_is_printed_as_text_in_the_html_part_but_the_text_part_carries_it() -> None:
    for event_type, routes in ROUTES.items():
        if event_type.startswith("matching.gathering."):
            continue  # written from matching's details of the gathering: tests/unit/test_gathering_notices.py
        for route in routes:
            payload = {**REQUEST, "rank": 1, "reasons": ["À 3 km"], "accepted": True, "purpose": "sign"}
            payload |= {"kind": "validation_pending", "start_date": "2027-03-15", "end_date": "2027-04-14"}
            payload |= {"starts_at": "2026-12-10T13:00:00+00:00", "slots": 2, "sequence": 1, "by_side": "peer"}
            rendered = render(message(route.kind, payload, SECRET, SECRET, PROFILE, AGENCY), "Claire", AGENCY)
            shown = read(rendered.html)
            assert "http" not in shown.text and "links/" not in shown.text, route
            assert all(href in (SECRET, PROFILE) for href in shown.hrefs) and shown.hrefs, route
            assert SECRET in rendered.text.split("\n"), route  # on a line of its own: copied whole
            assert len(shown.buttons) >= 1 and shown.buttons[0] != SECRET


def test_every_interpolated_value_is_escaped_in_the_html_part() -> None:
    hostile = '<script>alert("x")</script> & Cie'
    link = 'https://x.example/a?b=1&c="2"><img src=x>'
    text = Message(hostile, hostile, link, hostile, hostile, hostile, ((hostile, hostile),), link, hostile)
    rendered = render(text, hostile, hostile)
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;" in rendered.html and "&amp; Cie" in rendered.html
    assert read(rendered.html).hrefs == [link, link]  # the address survives, escaped in its attribute
    assert rendered.text.startswith(f"Bonjour {hostile},")  # the text part is text: nothing to escape


def test_convention_dates_read_as_in_france() -> None:
    payload = {"start_date": "2027-03-15", "end_date": "2027-04-14", "kind": "assessment_overdue"}
    for kind in (Kind.CONVENTION_CONFIRMED, Kind.CONVENTION_TO_VALIDATE, Kind.CONVENTION_REMINDER):
        rendered = render(message(kind, payload, "", "https://console/x", agency=AGENCY), "", AGENCY)
        assert "du lundi 15 mars 2027 au mercredi 14 avril 2027" in read(rendered.html).text, kind
        assert "15/03/2027" not in rendered.text


def an_email(**changes: object) -> Email:
    rendered = render(message(Kind.INTRODUCTION_REQUEST, REQUEST, SECRET, "", "", AGENCY), "Lucas", AGENCY)
    fields: dict[str, object] = dict(
        id="e1",
        key="k1",
        to="lucas@example.org",
        recipient="peer:p1",
        subject=rendered.subject,
        text=rendered.text,
        kind="introduction_request",
        status=Status.PENDING,
        attempts=0,
        next_at=datetime(2026, 12, 1, tzinfo=UTC),
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        html=rendered.html,
        sender_name=AGENCY,
    )
    return Email(**(fields | changes))  # type: ignore[arg-type]


def test_the_smtp_message_is_multipart_alternative_in_the_agencys_name() -> None:
    built = build_message(an_email(), "Parcours <ne-pas-repondre@parcours.test>")
    parsed = message_from_bytes(built.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["From"].addresses[0].display_name == AGENCY
    assert parsed["From"].addresses[0].addr_spec == "ne-pas-repondre@parcours.test"
    plain, rich = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert plain is not None and SECRET in plain.get_content()
    assert rich is not None and "Répondre à la demande" in rich.get_content()


def test_an_email_stored_before_the_html_part_is_sent_as_text_by_the_platform() -> None:
    built = build_message(an_email(html=None, sender_name=None), "Parcours <ne-pas-repondre@parcours.test>")
    assert built.get_content_type() == "text/plain" and built["From"] == "Parcours <ne-pas-repondre@parcours.test>"
