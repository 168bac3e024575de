"""From a peer's yes to a meeting, on the running platform: the peer chooses how they are reached (shown to
the beneficiary's counsellor only, never on the topics), either side proposes dated slots and the other
picks one, both get a French e-mail with a real iCalendar invitation, a reminder the day before, a
cancellation that updates calendars; and an erasure forgets the contact choice and the slots."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
from pymongo import AsyncMongoClient

from tests.conftest import Servers
from tests.integration.conftest import OPERATOR_TOKEN, MailCatcher, Platform
from tests.integration.support import accept_charter, wait_until
from tests.integration.test_erasure_everywhere import stores_holding
from tests.integration.test_matching_introductions import (
    agency,
    introduction_events,
    known_beneficiary,
    link,
    wait_suggested,
)
from tests.integration.test_profiles_beneficiaries_api import Agency, beneficiary
from tests.integration.test_profiles_peers_api import peer
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

# a region of their own: other files' beneficiaries would take these peers' fair share of top lists
REGION = "76"  # a region of its own: the security checks' world (44) no longer takes its peers' share


async def reachable_peer(profiles: httpx.AsyncClient, owner: Agency) -> tuple[str, dict[str, Any]]:
    body = peer(
        offer={"meeting_modes": ["in_person", "video"], "company_visits": True, "capacity_per_month": 3},
    )
    body["identity"] = {**copy.deepcopy(body["identity"]), "phone": "06 12 34 56 78"}
    created = await profiles.post("/peers", json=body, headers=owner.counsellor)
    assert created.status_code == 201, created.text
    await accept_charter(profiles, created.json()["peer_id"])
    return str(created.json()["peer_id"]), body["identity"]


PARIS = ZoneInfo("Europe/Paris")
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def agency_and_counsellor(profiles: httpx.AsyncClient, name: str, region: str = REGION) -> tuple[Agency, str]:
    """An agency whose counsellor's address is known (their e-mails are read in the catcher)."""
    created = await profiles.post(
        "/agencies",
        json={"name": f"{name} {uuid.uuid4().hex[:12]}", "kind": "mission_locale", "region_code": region},
        headers=as_operator(),
    )
    assert created.status_code == 201, created.text
    agency_id = str(created.json()["agency_id"])
    email = await new_staff(profiles, agency_id, ["counsellor"], as_operator())
    colleague = bearer(await login(profiles, await new_staff(profiles, agency_id, ["validator"], as_operator())))
    return Agency(agency_id, bearer(await login(profiles, email)), colleague), email


def at(days: int, hour: int) -> datetime:
    """A day ahead, at an hour in Paris."""
    day = (datetime.now(PARIS) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


async def caught(mail: MailCatcher, to: str, subject: str, count: int = 1) -> list[dict[str, Any]]:
    """The e-mails to `to` whose subject holds `subject`, once `count` of them arrived."""
    found: list[dict[str, Any]] = []

    async def arrived() -> bool:
        nonlocal found
        found = [m for m in await mail.messages() if to in m["to"] and subject in m["subject"]]
        return len(found) >= count

    await wait_until(arrived, timeout=60, what=f"{count} e-mail(s) « {subject} » to {to}")
    return found


def invitation(email: dict[str, Any]) -> icalendar.Calendar:
    [attachment] = [a for a in email["attachments"] if a["filename"].endswith(".ics")]
    assert attachment["content_type"] == "text/calendar"
    return icalendar.Calendar.from_ical(attachment["content"])


def event_of(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event


async def accepted_introduction(
    profiles: httpx.AsyncClient,
    matching: httpx.AsyncClient,
    contact: str = "platform",
    purpose: str = "job_inquiry",
    mine: Agency | None = None,
) -> tuple[Agency, Agency, dict[str, Any], dict[str, Any]]:
    """Two agencies, a peer of the first introduced to a beneficiary of the second, who accepted."""
    theirs = await agency(profiles, "Cap emploi", REGION)
    mine = mine or await agency(profiles, "Mission locale", REGION)
    peer_id, identity = await reachable_peer(profiles, theirs)
    beneficiary_id = await known_beneficiary(profiles, matching, mine)
    await wait_suggested(matching, mine, beneficiary_id, peer_id)
    created = await matching.post(
        f"/beneficiaries/{beneficiary_id}/introductions",
        json={"peer_id": peer_id, "purpose": purpose, "beneficiary_agreed": True},
        headers=mine.counsellor,
    )
    assert created.status_code == 201, created.text
    introduction = created.json()
    answer = await matching.post(f"{link(introduction)}/answer", json={"accept": True, "contact": contact})
    assert answer.status_code == 200, answer.text
    return theirs, mine, introduction, identity


async def test_the_peer_chooses_how_to_be_reached_and_only_the_counsellor_reads_it(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine, introduction, identity = await accepted_introduction(profiles, matching, contact="email")
    url = f"/introductions/{introduction['introduction_id']}"
    seen = (await matching.get(url, headers=mine.counsellor)).json()
    assert seen["contact_channel"] == "email" and seen["contact"]["email"] == identity["email"]
    assert seen["contact"]["phone"] is None, "only the way the peer chose"
    assert (await matching.get(link(introduction))).json()["contact_channel"] == "email"

    colleague = (await matching.get(url, headers=mine.colleague)).json()
    assert colleague["contact_channel"] == "email" and colleague["contact"] is None, "not their beneficiary"
    assert (await matching.get(url, headers=theirs.counsellor)).status_code == 404
    listed = await matching.get("/introductions", headers=mine.counsellor)
    assert all(i["contact"] is None for i in listed.json()), "no address in lists"

    changed = await matching.post(f"{link(introduction)}/contact", json={"channel": "phone"})
    assert changed.status_code == 200 and changed.json()["contact_channel"] == "phone"
    seen = (await matching.get(url, headers=mine.counsellor)).json()
    assert seen["contact"]["phone"] == identity["phone"] and seen["contact"]["email"] is None
    platform = await matching.post(f"{link(introduction)}/contact", json={"channel": "platform"})
    assert platform.status_code == 200
    seen = (await matching.get(url, headers=mine.counsellor)).json()
    contact = seen["contact"]
    assert contact["email"] is None and contact["phone"] is None and "plateforme" in contact["note"]
    wrong = await matching.post(f"{link(introduction)}/contact", json={"channel": "pigeon"})
    assert wrong.status_code == 422

    async def chosen_twice() -> bool:
        steps = [e.event_type for e in await introduction_events(servers, introduction["introduction_id"])]
        return steps.count("matching.introduction.contact_chosen") == 2

    await wait_until(chosen_twice, timeout=30, what="one event per change of contact")
    for envelope in await introduction_events(servers, introduction["introduction_id"]):
        text = envelope.model_dump_json()
        assert identity["email"] not in text and "56 78" not in text and "phone" not in text, envelope.event_type


async def test_an_unknown_introduction_link_cannot_choose_a_contact(matching: httpx.AsyncClient) -> None:
    forged = f"/links/introductions/{uuid.uuid4().hex}/contact"
    assert (await matching.post(forged, json={"channel": "email"})).status_code == 403


async def test_the_peer_proposes_slots_the_counsellor_picks_one_and_both_calendars_follow_every_change(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, mail: MailCatcher
) -> None:
    mine, counsellor_email = await agency_and_counsellor(profiles, "Mission locale")
    _, _, introduction, identity = await accepted_introduction(profiles, matching, mine=mine)
    peer_email, introduction_id = identity["email"], introduction["introduction_id"]
    url = f"/introductions/{introduction_id}"
    first, second = at(3, 14), at(4, 10)
    slots = [
        {
            "starts_at": first.isoformat(),
            "minutes": 60,
            "venue": "in_person",
            "place": "Café des Arts, 3 quai Ceineray",
        },
        {"starts_at": second.isoformat(), "minutes": 45, "venue": "in_person", "place": "Médiathèque, Nantes"},
    ]
    too_many = await matching.post(f"{link(introduction)}/slots", json={"slots": slots * 2})
    assert too_many.status_code == 422
    past = [{**slots[0], "starts_at": at(-1, 14).isoformat()}]
    refused = await matching.post(f"{link(introduction)}/slots", json={"slots": past})
    assert refused.status_code == 422 and "passé" in refused.text
    offered = await matching.post(f"{link(introduction)}/slots", json={"slots": slots})
    assert offered.status_code == 200, offered.text
    [proposal] = offered.json()["meeting_plan"]["slot_proposals"]
    assert proposal["by"] == "peer" and proposal["outcome"] == "open" and len(proposal["slots"]) == 2
    own = await matching.post(f"{link(introduction)}/slots/pick", json={"proposal": 1, "slot": 0})
    assert own.status_code == 409, "the other side picks"
    await caught(mail, counsellor_email, "Le pair propose des dates")

    picked = await matching.post(f"{url}/slots/pick", json={"proposal": 1, "slot": 1}, headers=mine.counsellor)
    assert picked.status_code == 200, picked.text
    appointment = picked.json()["appointment"]
    assert appointment["sequence"] == 0 and appointment["slot"]["place"] == "Médiathèque, Nantes"
    assert datetime.fromisoformat(appointment["slot"]["starts_at"].replace("Z", "+00:00")) == second

    for to in (peer_email, counsellor_email):
        [email] = await caught(mail, to, "Rencontre fixée")
        assert "Médiathèque, Nantes" in email["text"] and "agenda" in email["text"]
        calendar = invitation(email)
        event = event_of(calendar)
        assert calendar["METHOD"] == "REQUEST" and event["UID"] == f"{introduction_id}@parcours"
        assert event["SEQUENCE"] == 0 and event.decoded("DTSTART") == second
        assert event["DTSTART"].params["TZID"] == "Europe/Paris" and calendar.walk("VTIMEZONE")
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
        assert str(event["ATTENDEE"]) == f"mailto:{to}", "each invitation names its recipient only"
    peer_invitation = (await caught(mail, peer_email, "Rencontre fixée"))[0]
    assert counsellor_email not in peer_invitation["text"] + str(peer_invitation["attachments"])

    moved_to = at(6, 16)
    again = [
        {"starts_at": moved_to.isoformat(), "minutes": 60, "venue": "in_person", "place": "Agence", "at_agency": True}
    ]
    assert (await matching.post(f"{url}/slots", json={"slots": again}, headers=mine.counsellor)).status_code == 200
    await caught(mail, peer_email, "Des dates vous sont proposées")
    moved = await matching.post(f"{link(introduction)}/slots/pick", json={"proposal": 2, "slot": 0})
    assert moved.status_code == 200, moved.text
    plan = moved.json()["meeting_plan"]
    assert [a["status"] for a in plan["appointments"]] == ["rescheduled", "scheduled"], "the history stays"
    assert [p["outcome"] for p in plan["slot_proposals"]] == ["picked", "picked"]
    for to in (peer_email, counsellor_email):
        [email] = await caught(mail, to, "Rencontre déplacée")
        event = event_of(invitation(email))
        assert event["UID"] == f"{introduction_id}@parcours" and event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == moved_to

    day_before = (moved_to - timedelta(hours=23)).astimezone(UTC).isoformat()
    too_soon = (moved_to - timedelta(days=2)).astimezone(UTC).isoformat()
    early = await matching.post("/operations/introductions/sweep", params={"as_of": too_soon}, headers=OPERATOR)
    assert early.status_code == 200
    assert (await matching.get(url, headers=mine.counsellor)).json()["meeting_plan"]["appointment"]["reminded"] is False
    swept = await matching.post("/operations/introductions/sweep", params={"as_of": day_before}, headers=OPERATOR)
    assert swept.status_code == 200 and swept.json()["meetings_reminded"] >= 1
    assert (await matching.get(url, headers=mine.counsellor)).json()["meeting_plan"]["appointment"]["reminded"]
    swept_again = await matching.post("/operations/introductions/sweep", params={"as_of": day_before}, headers=OPERATOR)
    assert swept_again.json()["meetings_reminded"] == 0, "one reminder"
    for to in (peer_email, counsellor_email):
        [reminder] = await caught(mail, to, "Rappel : rencontre demain")
        assert "demain" in reminder["text"]

    cancelled = await matching.post(f"{link(introduction)}/appointment/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["meeting_plan"]["appointment"] is None
    for to in (peer_email, counsellor_email):
        [email] = await caught(mail, to, "Rencontre annulée")
        calendar = invitation(email)
        event = event_of(calendar)
        assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
        assert event["UID"] == f"{introduction_id}@parcours" and event["SEQUENCE"] == 2

    async def steps() -> list[str]:
        return [e.event_type.rsplit(".", 1)[1] for e in await introduction_events(servers, introduction_id)]

    async def all_published() -> bool:
        return (await steps())[-1:] == ["meeting_cancelled"]

    await wait_until(all_published, timeout=30, what="the meeting's events")
    assert await steps() == [
        "proposed",
        "answered",
        "slots_proposed",
        "meeting_scheduled",
        "slots_proposed",
        "meeting_scheduled",
        "meeting_reminder_due",
        "meeting_cancelled",
    ]
    for envelope in await introduction_events(servers, introduction_id):
        assert "Médiathèque" not in envelope.model_dump_json() and "Ceineray" not in envelope.model_dump_json()


async def test_feedback_waits_for_the_meetings_date_and_a_no_show_is_an_answer(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    _, mine, introduction, _ = await accepted_introduction(profiles, matching)
    url = f"/introductions/{introduction['introduction_id']}"
    rated = {"took_place": True, "usefulness": 4}
    early = await matching.post(f"{link(introduction)}/feedback", json=rated)
    assert early.status_code == 409 and "après la rencontre" in early.text
    assert (await matching.get(link(introduction))).json()["feedback_open"] is False
    soon = (datetime.now(UTC) + timedelta(seconds=30)).replace(microsecond=0)
    slot = {"starts_at": soon.isoformat(), "minutes": 30, "venue": "in_person", "place": "Agence", "at_agency": True}
    assert (await matching.post(f"{url}/slots", json={"slots": [slot]}, headers=mine.counsellor)).status_code == 200
    assert (await matching.post(f"{link(introduction)}/slots/pick", json={"proposal": 1, "slot": 0})).status_code == 200
    not_yet = await matching.post(f"{url}/feedback", json=rated, headers=mine.counsellor)
    assert not_yet.status_code == 409 and "date passée" in not_yet.text
    meeting = {"held_on": str((datetime.now(UTC) + timedelta(days=2)).date()), "mode": "in_person"}
    future = await matching.post(f"{url}/meeting", json=meeting, headers=mine.counsellor)
    assert future.status_code == 422

    async def date_has_come() -> bool:  # the clock only: the link's routes are rate-limited
        return datetime.now(UTC) >= soon

    await wait_until(date_has_come, timeout=60, what="the meeting's date to come")
    assert (await matching.get(link(introduction))).json()["feedback_open"] is True
    both_ways = await matching.post(
        f"{url}/feedback", json={"took_place": True, "usefulness": 3, "no_show": True}, headers=mine.counsellor
    )
    assert both_ways.status_code == 422
    absent = {"took_place": False, "no_show": True, "comment": "Le pair n'est pas venu"}
    reported = await matching.post(f"{url}/feedback", json=absent, headers=mine.counsellor)
    assert reported.status_code == 200, reported.text
    assert reported.json()["feedback"]["beneficiary"]["no_show"] and reported.json()["status"] == "accepted"

    async def no_show_published() -> bool:
        events = await introduction_events(servers, introduction["introduction_id"])
        return any(e.event_type.endswith("feedback_given") and e.payload["no_show"] for e in events)

    await wait_until(no_show_published, timeout=30, what="the no-show on the topic")


async def test_erasing_the_peer_removes_their_contact_choice_messages_and_slots_from_every_store(
    servers: Servers,
    whole_platform: Platform,
    profiles: httpx.AsyncClient,
    matching: httpx.AsyncClient,
    mail: MailCatcher,
) -> None:
    mine, counsellor_email = await agency_and_counsellor(profiles, "Mission locale")
    theirs, _, introduction, identity = await accepted_introduction(profiles, matching, contact="phone", mine=mine)
    place = f"Chez moi, {uuid.uuid4().hex[:8]} rue des Lilas"
    words = f"Mon fils s'appelle {uuid.uuid4().hex[:8]}"
    assert (await matching.post(f"{link(introduction)}/messages", json={"text": words})).status_code == 200
    slot = {"starts_at": at(5, 11).isoformat(), "venue": "in_person", "place": place}
    assert (await matching.post(f"{link(introduction)}/slots", json={"slots": [slot]})).status_code == 200
    url = f"/introductions/{introduction['introduction_id']}"
    assert (
        await matching.post(f"{url}/slots/pick", json={"proposal": 1, "slot": 0}, headers=mine.counsellor)
    ).status_code == 200
    [invited] = await caught(mail, counsellor_email, "Rencontre fixée")
    assert place in invited["text"]
    client: AsyncMongoClient = AsyncMongoClient(servers.mongodb_uri)
    try:

        async def stored_in_both() -> bool:
            holding = await stores_holding(client, whole_platform, [place])
            return {"matching.introductions", "notifications.emails"} <= holding and "matching.introductions" in (
                await stores_holding(client, whole_platform, [words])
            )

        await wait_until(stored_in_both, timeout=30, what="the place in matching and in the e-mails")
        peer_id = (await matching.get(url, headers=mine.counsellor)).json()["peer_id"]
        assert (await profiles.delete(f"/peers/{peer_id}", headers=theirs.counsellor)).status_code == 204

        async def forgotten() -> bool:
            seen = (await matching.get(url, headers=mine.counsellor)).json()
            plan = seen["meeting_plan"]
            return seen["contact_channel"] is None and plan["slot_proposals"] == [] and seen["thread"] == []

        await wait_until(forgotten, timeout=60, what="matching to forget the contact choice and the slots")
        seen = (await matching.get(url, headers=mine.counsellor)).json()
        assert seen["status"] == "cancelled" and seen["contact"] is None and seen["meeting_plan"]["appointments"] == []

        async def nowhere() -> bool:
            return not await stores_holding(client, whole_platform, [place, words, identity["email"]])

        await wait_until(nowhere, timeout=60, what="no store to hold the place or the peer's address")
        notifications = client[whole_platform.env["notifications"]["PARCOURS_MONGODB_DATABASE"]]
        assert await notifications["emails"].count_documents({"recipient": f"peer:{peer_id}"}) == 0
        [cancelled] = await caught(mail, counsellor_email, "Rencontre annulée")
        event = event_of(invitation(cancelled))
        assert event["UID"] == f"{introduction['introduction_id']}@parcours" and event["SEQUENCE"] == 1
        assert not str(event.get("LOCATION", "")), "the counsellor's calendar drops the meeting, without its place"
    finally:
        await client.close()


async def test_a_short_thread_relayed_by_e_mail_without_giving_addresses(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, mail: MailCatcher
) -> None:
    mine, counsellor_email = await agency_and_counsellor(profiles, "Mission locale")
    _, _, introduction, identity = await accepted_introduction(profiles, matching, mine=mine)
    url = f"/introductions/{introduction['introduction_id']}"
    question = "Bonjour, seriez-vous disponible un mardi après-midi ?"
    sent = await matching.post(f"{url}/messages", json={"text": question}, headers=mine.counsellor)
    assert sent.status_code == 200 and sent.json()[-1]["text"] == question, sent.text
    [told] = await caught(mail, identity["email"], "Nouveau message du conseiller")
    assert question not in told["text"] and "/links/introductions/" in told["text"], "a link, the text stays"
    assert counsellor_email not in told["text"]
    assert (await matching.get(link(introduction))).json()["thread"][0]["text"] == question
    reply = await matching.post(f"{link(introduction)}/messages", json={"text": "Oui, volontiers."})
    assert reply.status_code == 200 and [m["by"] for m in reply.json()["thread"]] == ["beneficiary", "peer"]
    [heard] = await caught(mail, counsellor_email, "Nouveau message du pair")
    assert "volontiers" not in heard["text"] and identity["email"] not in heard["text"]
    empty = await matching.post(f"{link(introduction)}/messages", json={"text": ""})
    assert empty.status_code == 422

    async def both_published() -> bool:
        events = await introduction_events(servers, introduction["introduction_id"])
        return sum(e.event_type.endswith("message_sent") for e in events) == 2

    await wait_until(both_published, timeout=30, what="one event per message")
    for envelope in await introduction_events(servers, introduction["introduction_id"]):
        assert "mardi" not in envelope.model_dump_json() and "volontiers" not in envelope.model_dump_json()


async def test_a_concern_reaches_the_agency_admin_pauses_the_peer_and_is_never_shown_to_the_other_side(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, mail: MailCatcher
) -> None:
    mine, _ = await agency_and_counsellor(profiles, "Mission locale")
    admin_email = await new_staff(profiles, mine.agency_id, ["agency_admin"], as_operator())
    admin = bearer(await login(profiles, admin_email))
    theirs, _, introduction, _ = await accepted_introduction(profiles, matching, mine=mine)
    url = f"/introductions/{introduction['introduction_id']}"
    peer_id = introduction["peer_id"]
    words = f"Il m'a demandé mon adresse personnelle {uuid.uuid4().hex[:6]}"
    reported = await matching.post(f"{link(introduction)}/concerns", json={"reason": "behaviour", "text": words})
    assert reported.status_code == 200, reported.text
    assert [c["reason"] for c in reported.json()["concerns"]] == ["behaviour"]
    again = await matching.post(f"{link(introduction)}/concerns", json={"reason": "other"})
    assert again.status_code == 409

    [told] = await caught(mail, admin_email, "Signalement sur une rencontre")
    assert words not in told["text"] and "/console/introductions/" in told["text"]
    seen = (await matching.get(url, headers=mine.counsellor)).json()
    assert seen["concerns"] == [] and seen["concerns_to_review"] == 1, "the counsellor never reads the peer's"
    assert (await matching.get(f"{url}/concerns", headers=mine.counsellor)).status_code == 403

    async def paused(expected: bool) -> bool:
        found = await profiles.get(f"/peers/{peer_id}", headers=theirs.counsellor)
        return bool(found.json()["paused"]) is expected

    await wait_until(lambda: paused(True), timeout=60, what="profiles to pause the peer until the review")
    listed = await matching.get(f"{url}/concerns", headers=admin)
    assert listed.status_code == 200 and listed.json()[0]["text"] == words and listed.json()[0]["by"] == "peer"
    counsellor_side = await matching.post(f"{url}/concerns", json={"reason": "no_show"}, headers=mine.counsellor)
    assert counsellor_side.status_code == 200 and [c["by"] for c in counsellor_side.json()] == ["beneficiary"]
    assert (await matching.get(link(introduction))).json()["concerns"][0]["by"] == "peer", "the peer sees theirs"
    review = f"{url}/concerns/1/review"
    assert (await matching.post(review, json={"resume_peer": True}, headers=mine.counsellor)).status_code == 403
    first = await matching.post(review, json={"resume_peer": True}, headers=admin)
    assert first.status_code == 200, first.text
    second = await matching.post(f"{url}/concerns/2/review", json={"resume_peer": True}, headers=admin)
    assert second.status_code == 200 and all(c["reviewed_at"] for c in second.json())
    await wait_until(
        lambda: paused(False), timeout=60, what="profiles to resume the peer once every concern is reviewed"
    )
    for envelope in await introduction_events(servers, introduction["introduction_id"]):
        assert words not in envelope.model_dump_json() and "behaviour" not in envelope.model_dump_json()


async def test_a_minor_meets_in_person_and_their_legal_representative_receives_the_invitation(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient, mail: MailCatcher
) -> None:
    theirs = await agency(profiles, "Cap emploi", REGION)
    mine, counsellor_email = await agency_and_counsellor(profiles, "Mission locale")
    body = peer(offer={"meeting_modes": ["in_person", "video"], "company_visits": False, "capacity_per_month": 3})
    body["vetted"] = True  # only vetted peers meet minors
    created = await profiles.post("/peers", json=body, headers=theirs.counsellor)
    assert created.status_code == 201, created.text
    peer_id = str(created.json()["peer_id"])
    await accept_charter(profiles, peer_id)
    guardian = f"parent-{uuid.uuid4().hex[:6]}@famille.test"
    young = beneficiary()
    young["identity"].update(
        birth_year=datetime.now(UTC).year - 16, guardian={"name": "Paul Moreau", "email": guardian}
    )
    young["project"]["meeting_modes"] = ["in_person", "video"]
    registered = await profiles.post("/beneficiaries", json=young, headers=mine.counsellor)
    assert registered.status_code == 201, registered.text
    beneficiary_id = str(registered.json()["beneficiary_id"])

    async def known() -> bool:
        answer = await matching.get(f"/beneficiaries/{beneficiary_id}/suggestions", headers=mine.counsellor)
        return answer.status_code == 200

    await wait_until(known, timeout=60, what="matching to know the minor")
    await wait_suggested(matching, mine, beneficiary_id, peer_id)
    proposed = await matching.post(
        f"/beneficiaries/{beneficiary_id}/introductions",
        json={"peer_id": peer_id, "purpose": "testimony", "beneficiary_agreed": True},
        headers=mine.counsellor,
    )
    assert proposed.status_code == 201 and proposed.json()["counsellor_present"], proposed.text
    introduction = proposed.json()
    assert (await matching.post(f"{link(introduction)}/answer", json={"accept": True})).status_code == 200
    video = {"starts_at": at(4, 17).isoformat(), "venue": "video", "place": "https://visio.example.org/abc"}
    refused = await matching.post(f"{link(introduction)}/slots", json={"slots": [video]})
    assert refused.status_code == 422 and "mineure" in refused.text
    in_person = {"starts_at": at(4, 17).isoformat(), "venue": "in_person", "place": "", "at_agency": True}
    url = f"/introductions/{introduction['introduction_id']}"
    assert (
        await matching.post(f"{url}/slots", json={"slots": [in_person]}, headers=mine.counsellor)
    ).status_code == 200
    picked = await matching.post(f"{link(introduction)}/slots/pick", json={"proposal": 1, "slot": 0})
    assert picked.status_code == 200, picked.text
    for to in (guardian, counsellor_email, body["identity"]["email"]):
        [invited] = await caught(mail, to, "Rencontre fixée")
        assert "mineure" in invited["text"] and "agence" in invited["text"]
        assert event_of(invitation(invited))["UID"] == f"{introduction['introduction_id']}@parcours"
