"""Precautions built in, on the running platform (real Kafka, database and SMTP catcher), from counsellors'
examples: a peer is suggested only once they accepted the peers' charter from the e-mail they received; an
introduction reaches the peer only once the beneficiary agreed, and either side declines without a reason; a
PMSMP needs 16 on its first day, from a minor's date of birth that never travels on Kafka."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from services.kit.dead_letters import read_topic
from services.reference.charter import CURRENT
from tests.conftest import Servers
from tests.integration.conftest import MailCatcher
from tests.integration.support import wait_until
from tests.integration.test_matching_introductions import (
    agency,
    introduction_events,
    known_beneficiary,
    link,
    published_peer,
    suggested,
    wait_suggested,
)
from tests.integration.test_notifications import mail_to
from tests.integration.test_placements import convention, created, draft, new_beneficiary
from tests.integration.test_profiles_peers_api import peer

pytestmark = pytest.mark.integration

# this file's people live in a region of their own, so no other file's peers or beneficiaries take their places
REGION = "01"
OWN_LINK = re.compile(r"https?://\S+(/links/peers/[^\s>\"]+)")


async def charter_mail_link(mail: MailCatcher, email: str) -> str:
    """The peer's own link, from the e-mail asking them to accept the charter (its path on profiles)."""
    [message] = await mail_to(mail, email, "la charte du pair")
    found = OWN_LINK.search(message["text"])
    assert found, message["text"]
    return urlsplit(found.group(0)).path


async def test_a_peer_is_suggested_only_once_they_accepted_the_charter_from_their_email(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient, mail: MailCatcher
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi", REGION), await agency(profiles, "Mission locale", REGION)
    body = peer(offer={"meeting_modes": ["in_person", "video"], "company_visits": False, "capacity_per_month": 3})
    email = f"charte.{uuid.uuid4().hex[:8]}@pairs.test"
    body["identity"] = {**body["identity"], "email": email}
    made = await profiles.post("/peers", json=body, headers=theirs.counsellor)
    assert made.status_code == 201, made.text
    waiting = made.json()["peer_id"]
    assert made.json()["charter"] == {
        "version": CURRENT.version,
        "published_on": CURRENT.published_on.isoformat(),
        "accepted": False,
        "accepted_version": None,
        "accepted_at": None,
    }
    beneficiary_id = await known_beneficiary(profiles, matching, mine)
    # a peer like them who accepted it is suggested: by then matching has read the other one's card too
    control = await published_peer(profiles, theirs)
    await wait_suggested(matching, mine, beneficiary_id, control)
    assert waiting not in await suggested(matching, mine, beneficiary_id), "not suggested before the charter"
    refused = await matching.post(
        f"/beneficiaries/{beneficiary_id}/introductions",
        json={"peer_id": waiting, "purpose": "testimony", "beneficiary_agreed": True},
        headers=mine.counsellor,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "peer_unavailable", refused.text

    own = await charter_mail_link(mail, email)
    page = (await profiles.get(own)).json()
    assert page["charter"]["accepted"] is False and page["charter"]["title"] == "Charte du pair"
    headings = [s["heading"] for s in page["charter"]["sections"]]
    assert "Confidentialité" in headings and "Signaler un problème" in headings
    old = await profiles.post(f"{own}/charter", json={"version": "2020-01"})
    assert old.status_code == 422 and old.json()["field"] == "version", old.text
    assert "plus en vigueur" in old.text
    accepted = await profiles.post(f"{own}/charter", json={"version": CURRENT.version})
    assert accepted.status_code == 200 and accepted.json()["charter"]["accepted"] is True, accepted.text

    await wait_suggested(matching, mine, beneficiary_id, waiting)
    seen = (await profiles.get(f"/peers/{waiting}", headers=theirs.counsellor)).json()["charter"]
    assert seen["accepted"] and seen["accepted_version"] == CURRENT.version and seen["accepted_at"]
    again = await profiles.post(f"/peers/{waiting}/charter/ask", headers=theirs.counsellor)
    assert again.status_code == 422 and "déjà accepté" in again.text


async def test_the_counsellor_sends_the_charter_again_to_a_peer_who_has_not_accepted_it(
    profiles: httpx.AsyncClient, mail: MailCatcher
) -> None:
    theirs = await agency(profiles, "Cap emploi", REGION)
    body = peer()
    email = f"relance.{uuid.uuid4().hex[:8]}@pairs.test"
    body["identity"] = {**body["identity"], "email": email}
    peer_id = (await profiles.post("/peers", json=body, headers=theirs.counsellor)).json()["peer_id"]
    await mail_to(mail, email, "la charte du pair")
    asked = await profiles.post(f"/peers/{peer_id}/charter/ask", headers=theirs.counsellor)
    assert asked.status_code == 200 and asked.json()["charter"]["accepted"] is False, asked.text
    await mail_to(mail, email, "la charte du pair", count=2)


async def test_an_introduction_reaches_the_peer_only_once_the_beneficiary_agreed_and_either_declines_freely(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, mail: MailCatcher
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi", REGION), await agency(profiles, "Mission locale", REGION)
    body = peer(offer={"meeting_modes": ["in_person", "video"], "company_visits": False, "capacity_per_month": 3})
    email = f"accord.{uuid.uuid4().hex[:8]}@pairs.test"
    body["identity"] = {**body["identity"], "email": email}
    peer_id = (await profiles.post("/peers", json=body, headers=theirs.counsellor)).json()["peer_id"]
    await profiles.post(f"{await charter_mail_link(mail, email)}/charter", json={"version": CURRENT.version})
    beneficiary_id = await known_beneficiary(profiles, matching, mine)
    await wait_suggested(matching, mine, beneficiary_id, peer_id)
    url = f"/beneficiaries/{beneficiary_id}/introductions"

    prepared = await matching.post(url, json={"peer_id": peer_id, "purpose": "testimony"}, headers=mine.counsellor)
    assert prepared.status_code == 201, prepared.text
    introduction = prepared.json()
    assert introduction["status"] == "awaiting_beneficiary" and not introduction["beneficiary_agreed"]
    answer = await matching.post(f"{link(introduction)}/answer", json={"accept": True})
    assert answer.status_code == 409 and "accord du bénéficiaire" in answer.text, "the peer cannot act on it"

    async def steps() -> list[str]:
        return [e.event_type for e in await introduction_events(servers, introduction["introduction_id"])]

    async def prepared_only() -> bool:
        return await steps() == ["matching.introduction.prepared"]

    await wait_until(prepared_only, timeout=30, what="the prepared introduction on its topic")
    assert not [m for m in await mail.messages() if email in m["to"] and "aimerait échanger" in m["subject"]]

    agreed = await matching.post(
        f"/introductions/{introduction['introduction_id']}/agreement", json={"agreed": True}, headers=mine.counsellor
    )
    assert agreed.status_code == 200 and agreed.json()["status"] == "proposed", agreed.text
    assert agreed.json()["beneficiary_agreed"] is True
    await mail_to(mail, email, "Une personne aimerait échanger")
    declined = await matching.post(f"{link(agreed.json())}/answer", json={"accept": False})
    assert declined.status_code == 200, declined.text
    shown = (await matching.get(f"/introductions/{introduction['introduction_id']}", headers=mine.counsellor)).json()
    assert (shown["status"], shown["declined_by"], shown["decline_reason"]) == ("declined", "peer", None)

    second = (
        await matching.post(url, json={"peer_id": peer_id, "purpose": "testimony"}, headers=mine.counsellor)
    ).json()
    refused = await matching.post(
        f"/introductions/{second['introduction_id']}/agreement", json={"agreed": False}, headers=mine.counsellor
    )
    assert refused.status_code == 200 and refused.json()["declined_by"] == "beneficiary", refused.text

    async def ended_unsent() -> bool:
        events = [e.event_type for e in await introduction_events(servers, second["introduction_id"])]
        return events == ["matching.introduction.prepared", "matching.introduction.beneficiary_declined"]

    await wait_until(ended_unsent, timeout=30, what="the beneficiary's refusal, never sent to the peer")
    assert len(await mail_to(mail, email, "Une personne aimerait échanger")) == 1, "only the agreed request"


async def test_a_pmsmp_needs_sixteen_on_its_first_day(
    servers: Servers, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale", REGION)
    guardian = {"name": "Paul Moreau", "phone": "0601020304"}
    adult_with_a_date = await profiles.post(
        "/beneficiaries",
        json=_beneficiary_born(2000, "2000-05-04", None),
        headers=nantes.counsellor,
    )
    assert adult_with_a_date.status_code == 422 and "mineur" in adult_with_a_date.text
    # the first day is 15 March 2027 (the example convention's)
    fifteen = await new_beneficiary(profiles, nantes, birth_year=2011, birth_date="2011-03-16", guardian=guardian)
    representative = {"name": "Paul Moreau", "email": "paul.moreau@famille.test", "phone": "0601020304"}
    too_young = await draft(placements, nantes, convention(fifteen, legal_representative=representative))
    assert too_young.status_code == 422, too_young.text
    [problem] = too_young.json()["errors"]
    assert problem["field"] == "start_date"
    assert problem["message"] == "La personne aura 15 ans le premier jour : une PMSMP demande au moins 16 ans."

    sixteen = await new_beneficiary(profiles, nantes, birth_year=2011, birth_date="2011-03-15", guardian=guardian)
    without_representative = await draft(placements, nantes, convention(sixteen))
    assert without_representative.status_code == 422 and "représentant légal" in without_representative.text
    accepted = await created(placements, nantes, convention(sixteen, legal_representative=representative))
    assert accepted["status"] == "draft" and accepted["minor"] is True

    records = await read_topic(
        servers.kafka_bootstrap_servers, "profiles.beneficiary", lambda r: r.key in (fifteen.encode(), sixteen.encode())
    )
    assert records and not any(b"2011-03-1" in r.value for r in records), "a date of birth never travels on Kafka"


def _beneficiary_born(year: int, born: str, guardian: dict[str, Any] | None) -> dict[str, Any]:
    from tests.integration.test_profiles_beneficiaries_api import beneficiary

    body = beneficiary()
    body["identity"].update({"birth_year": year, "birth_date": born, "guardian": guardian})
    return body
