"""Introductions on the running platform: a counsellor proposes, the peer answers by the signed link,
the meeting and both sides' feedback are recorded, each step is an event, the peer's reliability and
capacity follow; requests expire after a reminder; the caps hold."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.contracts.envelope import Envelope
from services.contracts.links import PEER_INTRODUCTION
from services.kit.dead_letters import read_topic
from tests.conftest import Servers
from tests.integration.conftest import LINK_KEY, OPERATOR_TOKEN
from tests.integration.support import accept_charter, wait_until
from tests.integration.test_profiles_beneficiaries_api import Agency, beneficiary
from tests.integration.test_profiles_peers_api import peer
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

# the agencies of these tests are in a region of their own (Normandie): the beneficiaries other files
# register in theirs would take the peers' fair share of top lists (a peer enters at most a few lists
# per free slot), and a peer these tests wait for would then be suggested elsewhere first
REGION = "28"


async def agency(profiles: httpx.AsyncClient, name: str, region: str = REGION) -> Agency:
    created = await profiles.post(
        "/agencies",
        json={"name": f"{name} {uuid.uuid4().hex[:12]}", "kind": "mission_locale", "region_code": region},
        headers=as_operator(),
    )
    assert created.status_code == 201, created.text
    agency_id = str(created.json()["agency_id"])
    counsellor = bearer(await login(profiles, await new_staff(profiles, agency_id, ["counsellor"], as_operator())))
    colleague = bearer(await login(profiles, await new_staff(profiles, agency_id, ["validator"], as_operator())))
    return Agency(agency_id, counsellor, colleague)


async def published_peer(
    profiles: httpx.AsyncClient, owner: Agency, capacity: int = 3, accepted: bool = True, **changes: Any
) -> str:
    """A peer published by the agency, who accepted the charter (unless `accepted` is false)."""
    body = peer(
        offer={"meeting_modes": ["in_person", "video"], "company_visits": False, "capacity_per_month": capacity}
    )
    body.update(changes)
    created = await profiles.post("/peers", json=body, headers=owner.counsellor)
    assert created.status_code == 201, created.text
    if accepted:
        await accept_charter(profiles, created.json()["peer_id"])
    return str(created.json()["peer_id"])


async def known_beneficiary(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient, owner: Agency, body: dict[str, Any] | None = None
) -> str:
    created = await profiles.post("/beneficiaries", json=body or beneficiary(), headers=owner.counsellor)
    assert created.status_code == 201, created.text
    beneficiary_id = str(created.json()["beneficiary_id"])

    async def known() -> bool:
        answer = await matching.get(f"/beneficiaries/{beneficiary_id}/suggestions", headers=owner.counsellor)
        return answer.status_code == 200

    await wait_until(known, timeout=60, what="matching to know the beneficiary")
    return beneficiary_id


async def suggested(matching: httpx.AsyncClient, owner: Agency, beneficiary_id: str) -> dict[str, Any]:
    answer = await matching.get(
        f"/beneficiaries/{beneficiary_id}/suggestions", params={"limit": 50}, headers=owner.counsellor
    )
    assert answer.status_code == 200, answer.text
    return {s["peer_id"]: s for s in answer.json()}


async def wait_suggested(matching: httpx.AsyncClient, owner: Agency, beneficiary_id: str, peer_id: str) -> None:
    async def there() -> bool:
        return peer_id in await suggested(matching, owner, beneficiary_id)

    await wait_until(there, timeout=60, what=f"peer {peer_id} in the suggestions")


def agreed(peer_id: str, purpose: str) -> dict[str, Any]:
    """A proposal the beneficiary agreed to: the request goes to the peer at once."""
    return {"peer_id": peer_id, "purpose": purpose, "beneficiary_agreed": True}


def link(introduction: dict[str, Any]) -> str:
    """The link notifications e-mails to the peer, signed as it would sign it."""
    expires = datetime.fromisoformat(introduction["expires_at"].replace("Z", "+00:00"))
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    token = PEER_INTRODUCTION.token(LINK_KEY, introduction["introduction_id"], PEER_INTRODUCTION.expires_at(expires))
    return PEER_INTRODUCTION.url("", token)


async def introduction_events(servers: Servers, introduction_id: str) -> list[Envelope]:
    records = await read_topic(
        servers.kafka_bootstrap_servers, "matching.introduction", lambda r: r.key == introduction_id.encode()
    )
    return [Envelope.from_bytes(r.value) for r in records]


async def test_an_introduction_from_proposal_to_both_feedbacks(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    peer_id = await published_peer(profiles, theirs)
    beneficiary_id = await known_beneficiary(profiles, matching, mine)
    await wait_suggested(matching, mine, beneficiary_id, peer_id)
    before = (await suggested(matching, mine, beneficiary_id))[peer_id]["breakdown"]["reliability"]

    url = f"/beneficiaries/{beneficiary_id}/introductions"
    visit = {"peer_id": peer_id, "purpose": "company_visit"}
    refused = await matching.post(url, json=visit, headers=mine.counsellor)
    assert refused.status_code == 422 and "visite d'entreprise" in refused.text
    body = {
        "peer_id": peer_id,
        "purpose": "job_inquiry",
        "message": "Camille prépare une reconversion, elle aimerait vous poser quelques questions.",
        "questions": ["Comment avez-vous financé votre formation ?"],
        "beneficiary_agreed": True,
    }
    assert (await matching.post(url, json=body, headers=theirs.counsellor)).status_code == 404
    created = await matching.post(url, json=body, headers=mine.counsellor)
    assert created.status_code == 201, created.text
    introduction = created.json()
    assert introduction["status"] == "proposed" and introduction["target_job"] == "M1805"
    assert introduction["questions"][-1] == "Comment avez-vous financé votre formation ?"
    assert len(introduction["questions"]) > 5, "the job inquiry guide comes with it"

    page = await matching.get(link(introduction))
    assert page.status_code == 200, page.text
    assert page.json()["purpose_label"] == "Enquête métier" and page.json()["message"] == body["message"]
    forged = link(introduction)[:-3] + "abc"
    assert (await matching.get(forged)).status_code == 403
    unknown_reason = await matching.post(f"{link(introduction)}/answer", json={"accept": False, "reason": "bof"})
    assert unknown_reason.status_code == 422, "a reason is optional, but one of the list"
    accepted = await matching.post(f"{link(introduction)}/answer", json={"accept": True, "message": "Avec plaisir"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = await matching.post(f"{link(introduction)}/answer", json={"accept": False, "reason": "no_time"})
    assert again.status_code == 409 and again.json()["code"] == "introduction_wrong_status"
    assert again.json()["message"] == "Cette mise en relation est acceptée : on ne peut pas la décliner."

    meeting_url = f"/introductions/{introduction['introduction_id']}/meeting"
    meeting = {"held_on": "2026-11-20", "mode": "in_person", "summary": "Métier passionnant, beaucoup d'autonomie."}
    assert (await matching.post(meeting_url, json=meeting, headers=mine.counsellor)).json()["status"] == "met"
    feedback_url = f"/introductions/{introduction['introduction_id']}/feedback"
    unrated = await matching.post(feedback_url, json={"took_place": True}, headers=mine.counsellor)
    assert unrated.status_code == 422 and "utile" in unrated.text
    rated = {"took_place": True, "usefulness": 5, "comment": "Très utile"}
    assert (await matching.post(feedback_url, json=rated, headers=mine.counsellor)).status_code == 200
    assert (await matching.post(feedback_url, json=rated, headers=mine.counsellor)).status_code == 409
    peer_side = await matching.post(f"{link(introduction)}/feedback", json={"took_place": True, "usefulness": 4})
    assert peer_side.status_code == 200 and peer_side.json()["feedback_given"]

    listed = await matching.get("/introductions", params={"status": "met"}, headers=mine.counsellor)
    assert introduction["introduction_id"] in {i["introduction_id"] for i in listed.json()}
    assert (await matching.get("/introductions", headers=theirs.counsellor)).json() == []

    async def all_steps() -> bool:
        return [
            e.event_type.rsplit(".", 1)[1] for e in await introduction_events(servers, introduction["introduction_id"])
        ] == [
            "proposed",
            "answered",
            "meeting_recorded",
            "feedback_given",
            "feedback_given",
        ]

    await wait_until(all_steps, timeout=30, what="one event per step")
    for envelope in await introduction_events(servers, introduction["introduction_id"]):
        assert "reconversion" not in envelope.model_dump_json(), "no free text in events"

    after = (await suggested(matching, mine, beneficiary_id))[peer_id]["breakdown"]["reliability"]
    assert after > before, "an answered, held and useful introduction raises the peer's reliability"


async def test_requests_wait_for_an_answer_within_limits_then_expire_after_a_reminder(
    servers: Servers, profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    peers = [await published_peer(profiles, theirs, capacity=1) for _ in range(4)]
    beneficiary_id = await known_beneficiary(profiles, matching, mine)
    other_id = await known_beneficiary(profiles, matching, mine)
    for peer_id in peers:
        await wait_suggested(matching, mine, beneficiary_id, peer_id)
    url = f"/beneficiaries/{beneficiary_id}/introductions"
    made = []
    for peer_id in peers[:3]:
        answer = await matching.post(url, json=agreed(peer_id, "testimony"), headers=mine.counsellor)
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    fourth = await matching.post(url, json=agreed(peers[3], "testimony"), headers=mine.counsellor)
    assert fourth.status_code == 409 and "(3 au plus)" in fourth.text
    newest_first = [i["introduction_id"] for i in reversed(made)]
    pages: list[dict[str, str | int]] = [{"limit": 2}, {"limit": 2, "beneficiary_id": beneficiary_id}]
    for params in pages:
        page = await matching.get("/introductions", params=params, headers=mine.counsellor)
        assert [i["introduction_id"] for i in page.json()] == newest_first[:2]
        rest = {**params, "after": page.headers["X-Next-Cursor"]}
        last = await matching.get("/introductions", params=rest, headers=mine.counsellor)
        assert [i["introduction_id"] for i in last.json()] == newest_first[2:] and "X-Next-Cursor" not in last.headers

    full = await matching.post(
        f"/beneficiaries/{other_id}/introductions",
        json=agreed(peers[0], "testimony"),
        headers=mine.counsellor,
    )
    assert full.status_code == 409 and "plus de place ce mois-ci" in full.text
    assert peers[0] not in await suggested(matching, mine, other_id), "a peer at capacity leaves the suggestions"

    operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    soon = (datetime.now(UTC) + timedelta(days=8)).isoformat()
    swept = await matching.post("/operations/introductions/sweep", params={"as_of": soon}, headers=operator)
    assert swept.status_code == 200 and swept.json()["reminded"] >= 3
    again = await matching.post("/operations/introductions/sweep", params={"as_of": soon}, headers=operator)
    assert again.json()["reminded"] == 0, "one reminder only"
    late = (datetime.now(UTC) + timedelta(days=11)).isoformat()
    expired = await matching.post("/operations/introductions/sweep", params={"as_of": late}, headers=operator)
    assert expired.json()["expired"] >= 3
    answer = await matching.post(f"{link(made[0])}/answer", json={"accept": True})
    assert answer.status_code == 409 and answer.json()["code"] == "introduction_wrong_status"
    assert answer.json()["message"] == "Cette mise en relation est expirée : on ne peut pas l'accepter."
    assert (await matching.post("/operations/introductions/sweep")).status_code == 401

    async def reminded_then_expired() -> bool:
        steps = [e.event_type for e in await introduction_events(servers, made[0]["introduction_id"])]
        return steps[-2:] == ["matching.introduction.reminder_due", "matching.introduction.expired"]

    await wait_until(reminded_then_expired, timeout=30, what="reminder then expiry events")
    await wait_suggested(matching, mine, other_id, peers[0])  # its slot is free again
    retry = await matching.post(url, json={"peer_id": peers[3], "purpose": "mentoring"}, headers=mine.counsellor)
    assert retry.status_code == 422 and "de 2 à 12 mois" in retry.text


async def test_erasing_the_beneficiary_removes_the_free_text_of_their_introductions(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient
) -> None:
    theirs, mine = await agency(profiles, "Cap emploi"), await agency(profiles, "Mission locale")
    peer_id = await published_peer(profiles, theirs)
    beneficiary_id = await known_beneficiary(profiles, matching, mine)
    await wait_suggested(matching, mine, beneficiary_id, peer_id)
    body = agreed(peer_id, "testimony") | {"message": "Sofiane, 24 ans, sort d'une longue maladie."}
    created = await matching.post(f"/beneficiaries/{beneficiary_id}/introductions", json=body, headers=mine.counsellor)
    assert created.status_code == 201, created.text
    url = f"/introductions/{created.json()['introduction_id']}"
    twice = await matching.post(f"/beneficiaries/{beneficiary_id}/introductions", json=body, headers=mine.counsellor)
    assert twice.status_code == 409 and "déjà en cours" in twice.text, "a double click makes one request"

    assert (await profiles.delete(f"/beneficiaries/{beneficiary_id}", headers=mine.counsellor)).status_code == 204

    async def scrubbed() -> bool:
        return (await matching.get(url, headers=mine.counsellor)).json()["message"] == ""

    await wait_until(scrubbed, timeout=30, what="the erased beneficiary's introduction text to go")
    kept = (await matching.get(url, headers=mine.counsellor)).json()
    assert kept["status"] == "cancelled" and kept["peer_id"] == peer_id, "the request closes, the facts stay"
