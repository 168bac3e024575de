"""Who hears of what, and what they read: the routing table and the French messages, with plain values."""

from __future__ import annotations

from services.notifications.domain.messages import message
from services.notifications.domain.routing import (
    ROUTES,
    STAFF_DEFAULTS,
    Audience,
    Channel,
    Kind,
    Preference,
    channels_for,
    routes_for,
)

CONVENTION = {"start_date": "2027-03-15", "end_date": "2027-04-14", "convention_id": "c1", "agency_id": "a1"}


def test_each_routed_event_has_a_message_for_each_of_its_kinds() -> None:
    samples = {
        "rank": 2,
        "reasons": ["A exercé le métier visé"],
        "purpose": "confirm",
        "expires_at": "2027-03-20T10:00:00+00:00",
        "accepted": True,
        "kind": "validation_pending",
        "starts_at": "2027-03-18T13:00:00Z",
        **CONVENTION,
    }
    for event_type, routes in ROUTES.items():
        if event_type.startswith("matching.gathering."):
            continue  # their own messages: tests/unit/test_gathering_notices.py
        for route in routes:
            for side in ("peer", "beneficiary"):
                text = message(route.kind, {**samples, "by_side": side}, "https://lien", "https://console")
                assert text.title and text.body
                assert not text.body.rstrip().endswith(":"), "a sentence, not a lead-in to a link: the button follows"
                assert not text.url or text.action, f"{route.kind}: the button says what it does"


def test_a_signed_convention_is_announced_to_whoever_validates_next() -> None:
    assert routes_for("placements.convention.signed", {"waiting_for": ["employer"], "all_signed": True}) == []
    one_step = routes_for("placements.convention.signed", {"waiting_for": ["validator"], "all_signed": True})
    assert [(r.kind, r.audience) for r in one_step] == [
        (Kind.CONVENTION_TO_VALIDATE, Audience.VALIDATORS),
        (Kind.CONVENTION_SIGNED, Audience.COUNSELLOR),
    ]
    [two_step] = routes_for("placements.convention.signed", {"waiting_for": ["counsellor"], "all_signed": True})
    assert (two_step.kind, two_step.audience) == (Kind.CONVENTION_TO_VALIDATE, Audience.COUNSELLOR)


def test_each_signature_reaches_the_counsellor_in_french() -> None:
    partial = {**CONVENTION, "signed_by": "employer", "all_signed": False, "waiting_for": ["beneficiary"]}
    [route] = routes_for("placements.convention.signed", partial)
    assert (route.kind, route.audience) == (Kind.CONVENTION_SIGNED, Audience.COUNSELLOR)
    text = message(route.kind, partial, "https://lien", "https://console")
    assert text.title == "Signature reçue" and text.body.startswith("L'entreprise d'accueil a signé la convention")
    last = {**CONVENTION, "signed_by": "beneficiary", "all_signed": True, "waiting_for": ["validator"]}
    done = message(Kind.CONVENTION_SIGNED, last, "https://lien", "https://console")
    assert done.title == "Convention signée par toutes les parties" and "Le bénéficiaire" in done.body


def test_a_reminder_reaches_the_counsellor_only_when_the_agency_is_listed() -> None:
    to_parties = routes_for("placements.convention.reminder_due", {"recipients": ["employer"]})
    assert [r.audience for r in to_parties] == [Audience.PARTIES]
    both = routes_for("placements.convention.reminder_due", {"recipients": ["tutor", "agency"], "kind": "x"})
    assert [r.audience for r in both] == [Audience.PARTIES, Audience.COUNSELLOR]
    pending = routes_for("placements.convention.reminder_due", {"recipients": ["agency"], "kind": "validation_pending"})
    assert [r.audience for r in pending] == [Audience.PARTIES, Audience.COUNSELLOR, Audience.VALIDATORS]


def test_people_outside_the_agencies_get_e_mail_and_staff_their_choice_or_the_default() -> None:
    assert channels_for(Audience.PEER, Kind.INTRODUCTION_REQUEST, Preference.NONE) == {Channel.EMAIL}
    assert channels_for(Audience.COUNSELLOR, Kind.SUGGESTION, None) == {Channel.LIVE}
    assert channels_for(Audience.VALIDATORS, Kind.CONVENTION_TO_VALIDATE, None) == {Channel.LIVE, Channel.EMAIL}
    assert channels_for(Audience.COUNSELLOR, Kind.SUGGESTION, Preference.NONE) == set()
    assert set(STAFF_DEFAULTS) <= set(Kind)


def test_an_e_mail_greets_its_recipient_and_carries_the_link() -> None:
    text = message(Kind.CONVENTION_LINK, {"purpose": "sign", "reissued": True, **CONVENTION}, "https://lien/x")
    subject, body = text.email("Claire Dupont")
    assert subject == "[Parcours] Signez la convention d'immersion (PMSMP)"
    assert body.startswith("Bonjour Claire Dupont,") and "https://lien/x" in body and "remplace" in body


def test_a_peers_request_carries_the_answer_link_then_the_link_to_their_own_profile() -> None:
    request = {"purpose": "testimony", "expires_at": "2027-03-15T10:00:00+00:00", "peer_id": "p1"}
    _, body = message(Kind.INTRODUCTION_REQUEST, request, "https://x/answer", "", "https://x/links/peers/t").email("")
    assert body.index("https://x/answer") < body.index("https://x/links/peers/t")
    assert "faire une pause" in body and "Mon profil de pair" not in body
    _, without = message(Kind.INTRODUCTION_REQUEST, request, "https://x/answer").email("")
    assert "faire une pause" not in without
