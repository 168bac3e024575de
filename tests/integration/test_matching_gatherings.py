"""Forums, fairs and open days on the running platform, with real Kafka and the database: an agency
publishes a region-wide forum, counsellors of two agencies see the beneficiaries whose target jobs meet its
jobs (an indexed read), invite one (their own e-mail, with an .ics a real iCalendar library reads), race for
the last place (one place, one French 409), a peer volunteers from their link, the operator's clock brings
the reminder the day before, a cancellation sends METHOD:CANCEL; then a forum that has begun gets its
attendance, counted on the dashboard, and an erased beneficiary leaves nothing of them in it."""

from __future__ import annotations

import asyncio
import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import icalendar
import pytest
from pymongo import AsyncMongoClient

from services.console.domain.funnel import month_of
from services.contracts.links import PEER_PROFILE
from services.matching.api.gatherings import EXAMPLE
from tests.conftest import Servers
from tests.integration.conftest import LINK_KEY, OPERATOR_TOKEN, MailCatcher, Platform
from tests.integration.support import wait_until
from tests.integration.test_matching_introductions import known_beneficiary
from tests.integration.test_matching_meetings import agency_and_counsellor, event_of, invitation
from tests.integration.test_matching_meetings import caught as caught_all
from tests.integration.test_profiles_beneficiaries_api import Agency, beneficiary
from tests.integration.test_profiles_peers_api import peer
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

REGION = "04"  # a region of its own: the people made here stay out of the other files' counts
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def agency(profiles: httpx.AsyncClient, name: str) -> tuple[Agency, str]:
    return await agency_and_counsellor(profiles, name, REGION)


async def someone(profiles: httpx.AsyncClient, matching: httpx.AsyncClient, owner: Agency, job: str) -> tuple[str, str]:
    """A beneficiary aiming at `job`, with an address of their own, once matching knows them."""
    body = beneficiary(target_jobs=[job])
    email = f"{uuid.uuid4().hex[:8]}@beneficiaires.test"
    body["identity"] = {**copy.deepcopy(body["identity"]), "email": email}
    return await known_beneficiary(profiles, matching, owner, body), email


def forum(starts_at: datetime, **changes: Any) -> dict[str, Any]:
    body = {**EXAMPLE, "title": f"Forum du numérique {uuid.uuid4().hex[:4]}", "jobs": ["M1805"]}
    body.update({"starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=3)).isoformat()})
    return body | changes


async def caught(mail: MailCatcher, to: str, subject: str) -> dict[str, Any]:
    return (await caught_all(mail, to, subject))[-1]


def calendar_of(email: dict[str, Any]) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = invitation(email)
    return calendar, event_of(calendar)


def peer_link(peer_id: str) -> str:
    expires = PEER_PROFILE.expires_at(datetime.now(UTC) + timedelta(days=30))
    return f"/links/peers/{PEER_PROFILE.token(LINK_KEY, peer_id, expires)}"


async def test_a_forum_invites_by_target_jobs_holds_its_last_place_reminds_and_cancels(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient, mail: MailCatcher
) -> None:
    (laval, _), (mayenne, _) = await asyncio.gather(agency(profiles, "Mission locale"), agency(profiles, "Cap emploi"))
    (ines, ines_email), (other_job, _), (karim, _) = await asyncio.gather(
        someone(profiles, matching, laval, "M1805"),
        someone(profiles, matching, laval, "K2111"),
        someone(profiles, matching, mayenne, "M1805"),
    )
    witness = await profiles.post(
        "/peers", json=peer(visibility="region", consent_to_region=True), headers=laval.counsellor
    )
    assert witness.status_code == 201, witness.text
    peer_id = str(witness.json()["peer_id"])

    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    published = await matching.post("/gatherings", json=forum(starts, capacity=1), headers=laval.counsellor)
    assert published.status_code == 201, published.text
    gathering = published.json()
    url = f"/gatherings/{gathering['gathering_id']}"
    assert gathering["visibility"] == "region" and gathering["places_left"] == 1
    assert gathering["labels"]["jobs"]["M1805"].startswith("Développeur")

    # the region sees it, another region's agency does not; each counsellor sees their own candidates
    assert (await matching.get(url, headers=mayenne.counsellor)).status_code == 200
    assert url.removeprefix("/gatherings/") in [
        g["gathering_id"] for g in (await matching.get("/gatherings", headers=mayenne.colleague)).json()
    ]
    ours = (await matching.get(f"{url}/candidates", headers=laval.counsellor)).json()
    assert [c["beneficiary_id"] for c in ours] == [ines], "only Laval's, only those aiming at M1805"
    assert other_job not in [c["beneficiary_id"] for c in ours]
    theirs = (await matching.get(f"{url}/candidates", headers=mayenne.counsellor)).json()
    assert [c["beneficiary_id"] for c in theirs] == [karim]
    refused = await matching.post(f"{url}/invitations", json={"beneficiary_id": karim}, headers=laval.counsellor)
    assert refused.status_code == 404 and refused.json()["code"] == "beneficiary_not_found"

    # the invitation: the beneficiary's own e-mail with the calendar file
    invited = await matching.post(f"{url}/invitations", json={"beneficiary_id": ines}, headers=laval.counsellor)
    assert invited.status_code == 200, invited.text
    email = await caught(mail, ines_email, "Vous êtes invité(e)")
    calendar, event = calendar_of(email)
    assert calendar["METHOD"] == "REQUEST" and str(event["UID"]) == f"gathering-{gathering['gathering_id']}@parcours"
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris" and event.decoded("DTSTART") == starts
    assert gathering["title"] in str(event["SUMMARY"]) and "Cité des congrès" in str(event["LOCATION"])
    assert "Cité des congrès" in email["text"]
    on_page = (await matching.get(f"/beneficiaries/{ines}/gatherings", headers=laval.colleague)).json()
    assert [(g["gathering_id"], g["invited"], g["registered"]) for g in on_page] == [
        (gathering["gathering_id"], True, False)
    ]

    # a peer volunteers from their link, for their job
    link = peer_link(peer_id)

    async def offered() -> bool:
        found = (await matching.get(f"{link}/gatherings")).json()
        return gathering["gathering_id"] in [g["gathering_id"] for g in found]

    await wait_until(offered, timeout=90, what="the forum offered on the peer's link page")
    volunteered = await matching.post(f"{link}/gatherings/{gathering['gathering_id']}/witness")
    assert volunteered.status_code == 200 and volunteered.json()["witnessing"] is True
    witnesses = (await matching.get(url, headers=laval.counsellor)).json()["witnesses"]
    assert [(w["peer_id"], w["job"], w["by"]) for w in witnesses] == [(peer_id, "M1805", "peer")]

    # two counsellors race for the last place: one place, one French 409
    raced = await asyncio.gather(
        matching.post(f"{url}/registrations", json={"beneficiary_id": ines}, headers=laval.counsellor),
        matching.post(f"{url}/registrations", json={"beneficiary_id": karim}, headers=mayenne.counsellor),
    )
    assert sorted(r.status_code for r in raced) == [200, 409], [r.text for r in raced]
    [full] = [r.json() for r in raced if r.status_code == 409]
    assert full["code"] == "gathering_full" and "complet" in full["message"]
    assert (await matching.get(url, headers=laval.counsellor)).json()["places_left"] == 0
    winner = ines if raced[0].status_code == 200 else karim

    # the CSV of one's own registered people, as French spreadsheets read it
    csv = await matching.get(f"{url}/registrations.csv", headers=laval.counsellor)
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    assert csv.text.splitlines()[0].lstrip("\ufeff") == "Nom;Invité(e);Inscrit(e);Présence;Événement;Date"
    assert ("oui;oui" if winner == ines else "oui;non") in csv.text

    # the day before, by the operator's clock: a reminder to the registered and the witness
    as_of = (starts - timedelta(days=1) + timedelta(minutes=1)).isoformat()
    swept = await matching.post("/operations/gatherings/sweep", params={"as_of": as_of}, headers=OPERATOR)
    assert swept.status_code == 200 and swept.json()["reminded"] >= 1
    if winner == ines:
        assert "demain" in (await caught(mail, ines_email, "Rappel"))["subject"]
    assert (await caught(mail, witness.json()["contact"]["email"], "Rappel"))["subject"].endswith("demain")

    # only the publishing agency cancels; everyone invited or registered, and the witness, get METHOD:CANCEL
    refused = await matching.post(f"{url}/cancel", headers=mayenne.counsellor)
    assert refused.status_code == 403 and refused.json()["code"] == "not_organiser"
    cancelled = await matching.post(f"{url}/cancel", headers=laval.counsellor)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    calendar, event = calendar_of(await caught(mail, ines_email, "Annulé"))
    assert calendar["METHOD"] == "CANCEL" and str(event["UID"]) == f"gathering-{gathering['gathering_id']}@parcours"
    assert int(event["SEQUENCE"]) == 1
    late = await matching.post(f"{url}/registrations", json={"beneficiary_id": ines}, headers=laval.counsellor)
    assert late.status_code == 409 and late.json()["code"] == "gathering_wrong_status"


async def test_attendance_once_it_has_begun_counts_on_the_dashboard_and_an_erasure_leaves_nothing(
    servers: Servers,
    whole_platform: Platform,
    profiles: httpx.AsyncClient,
    matching: httpx.AsyncClient,
) -> None:
    nantes, _ = await agency(profiles, "Mission locale")
    (ines, _), (hugo, _) = await asyncio.gather(
        someone(profiles, matching, nantes, "M1805"), someone(profiles, matching, nantes, "M1805")
    )
    starts = (datetime.now(UTC) + timedelta(seconds=40)).replace(microsecond=0)
    published = await matching.post("/gatherings", json=forum(starts, visibility="agency"), headers=nantes.counsellor)
    assert published.status_code == 201, published.text
    url = f"/gatherings/{published.json()['gathering_id']}"
    for person in (ines, hugo):
        answer = await matching.post(f"{url}/registrations", json={"beneficiary_id": person}, headers=nantes.counsellor)
        assert answer.status_code == 200, answer.text
    early = await matching.post(
        f"{url}/attendance", json={"attendance": [{"beneficiary_id": ines, "present": True}]}, headers=nantes.counsellor
    )
    assert early.status_code == 409 and early.json()["code"] == "gathering_not_started"
    assert "commencé" in early.json()["message"]

    recorded: httpx.Response | None = None

    async def begun() -> bool:
        nonlocal recorded
        lines = [{"beneficiary_id": ines, "present": True}, {"beneficiary_id": hugo, "present": False}]
        recorded = await matching.post(f"{url}/attendance", json={"attendance": lines}, headers=nantes.counsellor)
        return recorded.status_code == 200

    await wait_until(begun, timeout=120, what="the forum to begin and its attendance to be taken")
    assert recorded is not None and recorded.json()["status"] == "held"
    presence = {p["beneficiary_id"]: p["present"] for p in recorded.json()["people"]}
    assert presence == {ines: True, hugo: False}

    # counted on the dashboard: those present, in their agency and the forum's month
    admin = bearer(await login(profiles, await new_staff(profiles, nantes.agency_id, ["agency_admin"], as_operator())))
    console = whole_platform.instances["console"][0].url
    month = month_of(starts)

    async def counted() -> bool:
        async with httpx.AsyncClient(base_url=console, timeout=10) as client:
            answer = await client.get(
                "/api/console/insights/funnel",
                params={"agency": nantes.agency_id, "from": month, "to": month},
                headers=admin,
            )
        return answer.status_code == 200 and answer.json()["totals"]["gatherings"] == 1

    await wait_until(counted, timeout=90, what="the attendance counted on the dashboard")

    # erasing a registered beneficiary leaves no registration that names them
    erased = await profiles.delete(f"/beneficiaries/{ines}", headers=nantes.counsellor)
    assert erased.status_code == 204, erased.text
    database = AsyncMongoClient(servers.mongodb_uri)[whole_platform.env["matching"]["PARCOURS_MONGODB_DATABASE"]]

    async def forgotten() -> bool:
        return await database["gatherings"].count_documents({"person_ids": ines}) == 0

    await wait_until(forgotten, timeout=60, what="the gathering to forget the erased beneficiary")
    stored = await database["gatherings"].find_one({"_id": url.removeprefix("/gatherings/")})
    assert stored is not None and ines not in str(stored)
    people = (await matching.get(url, headers=nantes.counsellor)).json()["people"]
    assert [p["beneficiary_id"] for p in people] == [hugo]
