"""Suggestions grouped per counsellor, beneficiary and Paris day, and notifications that name the people they
are about, in French with the right plurals, without a database: names come from what profiles answered,
and what travels on Kafka has none."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.contracts.envelope import Envelope
from services.notifications.domain.contacts import Contact
from services.notifications.domain.inbox_entry import DISPATCHER, Push, Status, decide
from services.notifications.domain.messages import message
from services.notifications.domain.naming import (
    NO_NAMES,
    Names,
    PeerName,
    group_key,
    new_peers,
    paris_day,
    suggestion_body,
    suggestion_title,
    text,
)
from services.notifications.domain.routing import Kind, routes_for
from services.notifications.use_cases.dispatch import entry_of, key_of
from tests.unit.test_inbox_entry_lifecycle import an_entry

HUGO = "b-hugo"
NAMES = Names(
    beneficiaries={HUGO: "Hugo François"},
    peers={"p-lea": PeerName("Léa", "apprentice"), "p-karim": PeerName("Karim", "professional")},
)


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 nouveau pair"), (2, "2 nouveaux pairs"), (3, "3 nouveaux pairs"), (12, "12 nouveaux pairs")],
)
def test_new_peers_agree_with_their_number(count: int, words: str) -> None:
    assert new_peers(count) == words


def test_the_title_names_the_beneficiary_or_says_one_of_yours() -> None:
    assert suggestion_title(3, "Hugo François") == "3 nouveaux pairs pour Hugo François"
    assert suggestion_title(1, "Hugo François") == "1 nouveau pair pour Hugo François"
    assert suggestion_title(2, None) == "2 nouveaux pairs pour un de vos bénéficiaires"


def test_a_group_is_one_counsellor_one_beneficiary_one_paris_day() -> None:
    evening = datetime(2027, 3, 15, 22, 30, tzinfo=UTC)  # 23:30 in Paris, still the 15th
    after_midnight = datetime(2027, 3, 15, 23, 30, tzinfo=UTC)  # 00:30 in Paris, the 16th
    morning = datetime(2027, 3, 15, 6, 0, tzinfo=UTC)
    assert paris_day(evening) == "2027-03-15"
    assert paris_day(after_midnight) == "2027-03-16"
    assert group_key("claire", HUGO, morning) == group_key("claire", HUGO, evening)
    assert group_key("claire", HUGO, evening) != group_key("claire", HUGO, after_midnight)
    assert group_key("claire", HUGO, morning) != group_key("claire", "b-ines", morning)
    assert group_key("claire", HUGO, morning) != group_key("julien", HUGO, morning)
    summer = datetime(2027, 7, 1, 22, 30, tzinfo=UTC)  # 00:30 in Paris (summer time): the 2nd
    assert paris_day(summer) == "2027-07-02"


def test_the_body_names_the_first_peers_and_counts_the_others() -> None:
    lea, karim = PeerName("Léa", "apprentice"), PeerName("Karim", "professional")
    assert suggestion_body([lea]) == "Léa (apprenti). Ouvrez sa fiche pour proposer une rencontre."
    assert suggestion_body([lea, karim]).startswith("Léa (apprenti) et Karim (professionnel).")
    four = [lea, karim, PeerName("Inès", "student"), PeerName("Paul", "mentor"), PeerName("Zoé", "x")]
    assert suggestion_body(four).startswith("Léa (apprenti), Karim (professionnel), Inès (étudiant) et 2 autres.")
    assert suggestion_body([lea, karim, None]).startswith("Léa (apprenti), Karim (professionnel) et 1 autre.")
    assert suggestion_body([None, None]).startswith("Ouvrez sa fiche")  # erased peers: no name at all


def test_a_grouped_suggestion_is_named_only_with_names() -> None:
    peers = ("p-lea", "p-karim", "p-gone")
    title, body = text("suggestion", "stored", "stored", HUGO, peers, NAMES)
    assert title == "3 nouveaux pairs pour Hugo François"
    assert body.startswith("Léa (apprenti), Karim (professionnel) et 1 autre.")
    bare_title, bare_body = text("suggestion", "stored", "stored", HUGO, peers, NO_NAMES)
    assert bare_title == "3 nouveaux pairs pour un de vos bénéficiaires"
    assert "Hugo" not in bare_body and "Léa" not in bare_body


def test_other_notifications_say_whom_they_are_about() -> None:
    title, body = text(
        "introduction_answered", "Mise en relation acceptée", "Le pair a accepté.", HUGO, ("p-lea",), NAMES
    )
    assert title == "Mise en relation acceptée"
    assert body == "Le pair a accepté. Pour Hugo François, avec Léa (apprenti)."
    assert text("convention_confirmed", "T", "B.", HUGO, (), NAMES) == ("T", "B. Pour Hugo François.")
    assert text("convention_confirmed", "T", "B.", HUGO, (), NO_NAMES) == ("T", "B.")


def _offered(peer_id: str, at: datetime) -> Envelope:
    payload = {
        "beneficiary_id": HUGO,
        "agency_id": "agency-1",
        "counsellor_id": "claire",
        "peer_id": peer_id,
        "rank": 2,
        "score": 0.8,
        "reasons": ["Même métier visé"],
    }
    return Envelope(
        event_type="matching.suggestion.offered",
        event_version=1,
        occurred_at=at,
        aggregate_type="suggestion",
        aggregate_id=HUGO,
        aggregate_version=3,
        tenant_id="agency-1",
        producer="matching",
        payload=payload,
    )


def test_suggestions_of_a_day_share_one_key_and_keep_ids_never_names() -> None:
    morning, noon = datetime(2027, 3, 15, 8, tzinfo=UTC), datetime(2027, 3, 15, 11, tzinfo=UTC)
    claire = Contact("staff:claire", "Claire Moreau", "claire@parcours.test", "claire")
    entries = []
    for envelope in (_offered("p-lea", morning), _offered("p-karim", noon)):
        (route,) = routes_for(envelope.event_type, envelope.payload)
        assert route.kind is Kind.SUGGESTION
        words = message(route.kind, envelope.payload, console="/console/beneficiaries/b-hugo")
        entries.append(entry_of(envelope, route, claire, words, noon, pushed=False))
        assert key_of(envelope, route, "claire") == group_key("claire", HUGO, morning)
    first, second = entries
    assert first.key == second.key and first.id != second.id
    assert (first.beneficiary_id, first.peer_ids) == (HUGO, ("p-lea",))
    assert first.notification().title == "1 nouveau pair pour un de vos bénéficiaires"


def test_a_grown_group_is_pushed_as_the_same_notification_without_names() -> None:
    grown = replace(
        an_entry(Status.UNREAD),
        key=group_key("claire", HUGO, datetime(2027, 3, 15, 8, tzinfo=UTC)),
        kind="suggestion",
        beneficiary_id=HUGO,
        peer_ids=("p-lea", "p-karim", "p-ines"),
        sequence="0190f5c2-0000-7000-8000-000000000009",
    )
    pushed, (event,) = decide(grown, Push(), DISPATCHER, datetime(2027, 3, 15, 11, tzinfo=UTC))
    assert pushed.pushed
    payload = event.payload
    assert payload["notification_id"] == grown.id and payload["sequence"] == grown.sequence
    assert payload["title"] == "3 nouveaux pairs pour un de vos bénéficiaires"
    assert payload["beneficiary_id"] == HUGO and payload["peer_ids"] == ["p-lea", "p-karim", "p-ines"]
    assert event.aggregate_version == 3
