"""PMSMP conventions on the running platform (real Kafka and database): from the counsellor's draft to the
assessment in the beneficiary's path in profiles; the parties' links and their refusals; the legal limits;
the scheduler's reminders, once, even after a restart; erasure."""

from __future__ import annotations

import copy
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from services.contracts.envelope import Envelope
from services.contracts.links import convention_link
from services.kit.dead_letters import read_topic
from services.kit.mongo import connect, create_indexes
from services.kit.outbox import OutboxWriter
from services.placements.adapters.conventions import CONVENTIONS, Conventions, Selection, prepare_database
from services.placements.adapters.indexes import INDEXES
from services.placements.adapters.projections import Projections
from services.placements.api.conventions import EXAMPLE
from services.placements.domain.convention import Party
from services.placements.domain.lifecycle import Action, Actor
from services.placements.domain.terms import Terms
from services.placements.use_cases.conventions import ConventionService
from services.placements.use_cases.scheduler import Scheduler
from tests.conftest import Servers
from tests.integration.conftest import LINK_KEY, OPERATOR_TOKEN
from tests.integration.support import ServiceProcess, settings_for, wait_until
from tests.integration.test_profiles_beneficiaries_api import Agency, agency, beneficiary
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

THREE = ("validation_pending:-3", ["agency"])
ONE = ("validation_pending:-1", ["agency"])
TWO = ("signatures_missing:-2", ["employer", "beneficiary"])
ASSESSMENT = {
    "attendance": "completed",
    "objectives_met": False,
    "hired": False,
    "skills_observed": ["rigueur", "travail en équipe"],
    "project_conclusion": "adjusted",
    "comments": "Bonne intégration ; il faut encore consolider les bases.",
}


def convention(beneficiary_id: str, **changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(EXAMPLE)
    body["beneficiary_id"] = beneficiary_id
    body["beneficiary"]["last_name"] = f"Moreau-{uuid.uuid4().hex[:4]}"
    body.update(changes)
    return body


async def new_beneficiary(profiles: httpx.AsyncClient, owner: Agency, **identity: Any) -> str:
    body = beneficiary()
    body["identity"].update(identity)
    created = await profiles.post("/beneficiaries", json=body, headers=owner.counsellor)
    assert created.status_code == 201, created.text
    return str(created.json()["beneficiary_id"])


async def draft(placements: httpx.AsyncClient, owner: Agency, body: dict[str, Any]) -> httpx.Response:
    """POST /conventions, waiting for placements to learn of a beneficiary just registered in profiles."""
    answer: httpx.Response | None = None

    async def known() -> bool:
        nonlocal answer
        answer = await placements.post("/conventions", json=body, headers=owner.counsellor)
        return answer.status_code != 404 or "beneficiary" not in answer.text

    await wait_until(known, timeout=60, what="placements to know the beneficiary")
    assert answer is not None
    return answer


async def created(placements: httpx.AsyncClient, owner: Agency, body: dict[str, Any]) -> dict[str, Any]:
    answer = await draft(placements, owner, body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def events_of(servers: Servers, convention_id: str) -> list[Envelope]:
    records = await read_topic(
        servers.kafka_bootstrap_servers, "placements.convention", lambda r: r.key == convention_id.encode()
    )
    return [Envelope.from_bytes(r.value) for r in records]


async def link(servers: Servers, convention_id: str, role: str, purpose: str = "", replacing: str = "") -> str:
    """The link notifications e-mails to a party: signed from the latest `link_issued` event for that role
    (and purpose), waiting for one that differs from `replacing`."""
    found = ""

    async def there() -> bool:
        nonlocal found
        issued = [
            e.payload
            for e in await events_of(servers, convention_id)
            if e.event_type == "placements.convention.link_issued"
            and e.payload["role"] == role
            and e.payload["purpose"] == (purpose or e.payload["purpose"])
        ]
        found = _url(convention_id, role, issued[-1]) if issued else ""
        return bool(found) and found != replacing

    await wait_until(there, timeout=30, what=f"a {purpose or 'new'} link for the {role}")
    return found


def _url(convention_id: str, role: str, payload: dict[str, Any]) -> str:
    expires_at = datetime.fromisoformat(payload["expires_at"])
    token = convention_link(LINK_KEY, convention_id, role, payload["link_id"], expires_at)
    return f"/links/conventions/{convention_id}/{token}"


async def step(placements: httpx.AsyncClient, who: dict[str, str], convention_id: str, action: str, **body: Any) -> Any:
    answer = await placements.post(f"/conventions/{convention_id}/{action}", json=body or None, headers=who)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def sweep(placements: httpx.AsyncClient, day: str) -> dict[str, int]:
    answer = await placements.post(
        "/operations/conventions/sweep",
        params={"as_of": f"{day}T09:00:00+01:00"},
        headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def read(placements: httpx.AsyncClient, owner: Agency, convention_id: str) -> dict[str, Any]:
    answer = await placements.get(f"/conventions/{convention_id}", headers=owner.counsellor)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def validate(servers: Servers, placements: httpx.AsyncClient, owner: Agency, convention_id: str) -> None:
    """A draft through the employer's confirmation, both signatures and the validator."""
    await step(placements, owner.counsellor, convention_id, "send")
    assert (await placements.post(await link(servers, convention_id, "employer") + "/confirm")).status_code == 200
    for role in ("employer", "beneficiary"):
        signed = await placements.post(await link(servers, convention_id, role, "sign") + "/sign")
        assert signed.status_code == 200, signed.text
    await step(placements, owner.colleague, convention_id, "validate")


async def assess(servers: Servers, placements: httpx.AsyncClient, convention_id: str, start: str, end: str) -> None:
    """A validated convention through its days, the tutor's assessment and the beneficiary's agreement."""
    await sweep(placements, start)
    await sweep(placements, end)
    tutor = await link(servers, convention_id, "tutor")
    assert (await placements.post(tutor + "/assessment", json=ASSESSMENT)).status_code == 200
    agreed = await placements.post(await link(servers, convention_id, "beneficiary", "agree") + "/agree")
    assert agreed.status_code == 200, agreed.text


def renewing(start: str, end: str) -> dict[str, str]:
    return {"start_date": start, "end_date": end}


async def test_a_convention_from_the_draft_to_the_beneficiarys_path(
    servers: Servers, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    beneficiary_id = await new_beneficiary(profiles, nantes)
    made = await created(placements, nantes, convention(beneficiary_id))
    convention_id = made["convention_id"]
    assert made["status"] == "draft" and made["waiting_for"] == ["counsellor"] and "send" in made["your_actions"]

    sent = await step(placements, nantes.counsellor, convention_id, "send")
    assert sent["status"] == "sent_to_employer" and sent["waiting_for"] == ["employer"]
    employer = await link(servers, convention_id, "employer")
    seen = (await placements.get(employer)).json()
    assert seen["you_are"] == "employer" and seen["can"] == ["confirm", "decline"]
    assert seen["host_name"] == EXAMPLE["host"]["name"] and seen["job_label"].startswith("Développeur")
    confirmed = await placements.post(employer + "/confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed_by_employer" and confirmed.json()["link_used"] is True

    first = await placements.post(await link(servers, convention_id, "beneficiary", "sign") + "/sign")
    assert first.status_code == 200 and first.json()["status"] == "partially_signed"
    assert (await read(placements, nantes, convention_id))["waiting_for"] == ["employer"]
    last = await placements.post(await link(servers, convention_id, "employer", "sign") + "/sign")
    assert last.status_code == 200 and last.json()["status"] == "signed"
    refused = await placements.post(f"/conventions/{convention_id}/validate", headers=nantes.counsellor)
    assert refused.status_code == 403 and refused.json()["status"] == "signed"
    not_yet = await placements.get(f"/conventions/{convention_id}/pdf", headers=nantes.counsellor)
    assert not_yet.status_code == 409
    validated = await step(placements, nantes.colleague, convention_id, "validate")
    assert validated["status"] == "validated" and validated["validated_by"]

    pdf = await placements.get(f"/conventions/{convention_id}/pdf", headers=nantes.counsellor)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert EXAMPLE["host"]["name"] in text and "73282932000074" in text and "15/03/2027" in text

    await sweep(placements, "2027-03-15")
    assert (await read(placements, nantes, convention_id))["status"] == "in_progress"
    await sweep(placements, "2027-04-14")  # the last day: the tutor is asked for the assessment
    assert (await read(placements, nantes, convention_id))["status"] == "in_progress"
    tutor = await link(servers, convention_id, "tutor")
    assert (await placements.get(tutor)).json()["can"] == ["submit_assessment"]
    unfinished = await placements.post(tutor + "/assessment", json={**ASSESSMENT, "attendance": "partly"})
    assert unfinished.status_code == 422 and "dernier jour" in unfinished.text
    assessed = await placements.post(tutor + "/assessment", json=ASSESSMENT)
    assert assessed.status_code == 200, assessed.text
    assert assessed.json()["status"] == "assessment_submitted" and assessed.json()["link_used"] is True
    assert (await placements.get(tutor)).json()["link_used"] is True  # a used link still shows the outcome
    agreed = await placements.post(await link(servers, convention_id, "beneficiary", "agree") + "/agree")
    assert agreed.status_code == 200 and agreed.json()["status"] == "assessed"

    async def in_path() -> bool:
        record = await profiles.get(f"/beneficiaries/{beneficiary_id}", headers=nantes.counsellor)
        return bool(record.json()["path"])

    await wait_until(in_path, timeout=30, what="the immersion in the beneficiary's path")
    record = (await profiles.get(f"/beneficiaries/{beneficiary_id}", headers=nantes.counsellor)).json()
    assert record["path"] == [
        {
            "kind": "immersion",
            "start_date": "2027-03-15",
            "end_date": "2027-04-14",
            "rome_code": "M1805",
            "naf_division": "62",
            "place_id": "2990969",
            "outcome": "adjusted",
            "hired": False,
            "source_id": convention_id,
        }
    ]

    steps = [e.event_type.rsplit(".", 1)[1] for e in await events_of(servers, convention_id)]
    transitions = [s for s in steps if s not in ("link_issued", "reminder_due", "contacts_changed")]
    assert transitions == [
        "drafted",
        "sent",
        "confirmed",
        "signed",
        "signed",
        "validated",
        "started",
        "completed",
        "assessment_submitted",
        "assessed",
    ]
    for envelope in await events_of(servers, convention_id):  # contacts_changed too: notifications fetches them
        assert made["terms"]["beneficiary"]["last_name"] not in envelope.to_bytes().decode()

    export = await placements.get("/conventions/export.csv", headers=nantes.colleague)
    assert export.status_code == 200 and convention_id in export.text and "Bilan fait" in export.text
    other = await agency(profiles, "Cap emploi")
    assert (await placements.get(f"/conventions/{convention_id}", headers=other.counsellor)).status_code == 404
    assert convention_id not in (await placements.get("/conventions/export.csv", headers=other.counsellor)).text


async def test_links_refuse_every_misuse_and_leave_the_convention_unchanged(
    servers: Servers, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    mine = (await created(placements, nantes, convention(await new_beneficiary(profiles, nantes))))["convention_id"]
    theirs = (await created(placements, nantes, convention(await new_beneficiary(profiles, nantes))))["convention_id"]
    for convention_id in (mine, theirs):
        await step(placements, nantes.counsellor, convention_id, "send")
    newest = await placements.get("/conventions", params={"limit": 1}, headers=nantes.counsellor)
    assert [c["convention_id"] for c in newest.json()] == [theirs]
    cursor = newest.headers["X-Next-Cursor"]
    assert f"after={cursor}" in newest.headers["Link"]
    older = await placements.get("/conventions", params={"limit": 1, "after": cursor}, headers=nantes.counsellor)
    assert [c["convention_id"] for c in older.json()] == [mine]
    last = await placements.get("/conventions", params={"limit": 1, "after": mine}, headers=nantes.counsellor)
    assert last.json() == [] and "X-Next-Cursor" not in last.headers
    employer, other_employer = await link(servers, mine, "employer"), await link(servers, theirs, "employer")
    before = await read(placements, nantes, mine)

    async def refused(url: str, code: int, words: str, body: dict[str, Any] | None = None) -> None:
        answer = await placements.post(url, json=body)
        assert answer.status_code == code, answer.text
        assert words in answer.json()["detail"]
        after = await read(placements, nantes, mine)
        assert (after["status"], after["version"]) == (before["status"], before["version"])

    token = employer.rsplit("/", 1)[1]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    await refused(f"/links/conventions/{mine}/{tampered}/confirm", 403, "pas valide")
    await refused(f"/links/conventions/{mine}/{other_employer.rsplit('/', 1)[1]}/confirm", 403, "autre convention")
    await refused(employer + "/assessment", 403, "Entreprise d'accueil", ASSESSMENT)
    await refused(employer + "/sign", 403, "autre étape")
    payload_link = [
        e.payload for e in await events_of(servers, mine) if e.event_type == "placements.convention.link_issued"
    ][-1]
    past = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    expired = convention_link(LINK_KEY, mine, "employer", payload_link["link_id"], past)
    await refused(f"/links/conventions/{mine}/{expired}/confirm", 410, "expiré")

    resent = await placements.post(f"/conventions/{mine}/links/employer/resend", headers=nantes.counsellor)
    assert resent.status_code == 200, resent.text
    before = resent.json()
    await refused(employer + "/confirm", 410, "remplacé")
    newer = await link(servers, mine, "employer", replacing=employer)
    assert (await placements.post(newer + "/confirm")).status_code == 200
    before = await read(placements, nantes, mine)
    await refused(newer + "/confirm", 410, "déjà utilisé")
    beneficiary_link = await link(servers, mine, "beneficiary", "sign")
    await refused(beneficiary_link + "/confirm", 403, "Bénéficiaire")


async def test_legal_limits_are_clear_errors(
    servers: Servers, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    person = await new_beneficiary(profiles, nantes)
    too_long = await draft(placements, nantes, convention(person, end_date="2027-04-15"))
    assert too_long.status_code == 422
    assert [p["loc"] for p in too_long.json()["detail"]] == [["body", "end_date"]]
    bad = convention(person, start_date="2026-01-05", end_date="2026-01-09")
    bad["host"] = {**bad["host"], "siret": "73282932000075"}
    problems = {p["loc"][-1]: p["msg"] for p in (await draft(placements, nantes, bad)).json()["detail"]}
    assert set(problems) == {"siret", "start_date"} and problems["siret"].startswith("La clé du SIRET est fausse")
    minor = await new_beneficiary(
        profiles, nantes, birth_year=2011, guardian={"name": "Paul Moreau", "phone": "0601020304"}
    )
    no_guardian = await draft(placements, nantes, convention(minor))
    assert no_guardian.status_code == 422 and "représentant légal" in no_guardian.text

    async def sent(body: dict[str, Any]) -> str:
        convention_id = str((await created(placements, nantes, body))["convention_id"])
        await step(placements, nantes.counsellor, convention_id, "send")
        return convention_id

    await sent(convention(person, objective="discover", start_date="2027-01-04", end_date="2027-02-03"))  # 31 days
    sixty_one = await draft(
        placements,
        nantes,
        convention(person, objective="confirm_project", start_date="2027-03-01", end_date="2027-03-30"),
    )
    assert sixty_one.status_code == 422 and "60 jours au plus" in sixty_one.text and "61" in sixty_one.text
    await sent(convention(person, objective="confirm_project", start_date="2027-03-01", end_date="2027-03-29"))  # 60
    third = await draft(
        placements,
        nantes,
        convention(person, objective="start_recruitment", start_date="2027-06-01", end_date="2027-06-02"),
    )
    assert third.status_code == 422 and "2 conventions au plus" in third.text

    again = await new_beneficiary(profiles, nantes)
    original = (await created(placements, nantes, convention(again, start_date="2027-05-03", end_date="2027-05-14")))[
        "convention_id"
    ]
    await validate(servers, placements, nantes, original)
    url, staff = f"/conventions/{original}/renew", nantes.counsellor
    early = await placements.post(url, json=renewing("2027-05-17", "2027-05-28"), headers=staff)
    assert early.status_code == 409 and early.json()["status"] == "validated"
    await assess(servers, placements, original, "2027-05-03", "2027-05-15")
    renewal = await placements.post(url, json=renewing("2027-05-17", "2027-05-28"), headers=staff)
    assert renewal.status_code == 201, renewal.text
    renewal_id = renewal.json()["convention_id"]
    assert renewal.json()["renewal_of"] == original and renewal.json()["terms"]["objective"] == "confirm_project"
    assert (await read(placements, nantes, original))["status"] == "renewed"
    twice = await placements.post(url, json=renewing("2027-06-01", "2027-06-04"), headers=staff)
    assert twice.status_code == 409 and twice.json()["status"] == "renewed"

    moved = {**renewal.json()["terms"], "host": {**renewal.json()["terms"]["host"], "siret": "44306184100047"}}
    elsewhere = await placements.put(f"/conventions/{renewal_id}", json=moved, headers=staff)
    assert elsewhere.status_code == 422 and "l'entreprise d'accueil de la convention qu'il renouvelle" in elsewhere.text
    await validate(servers, placements, nantes, renewal_id)
    await assess(servers, placements, renewal_id, "2027-05-17", "2027-05-29")
    second = await placements.post(
        f"/conventions/{renewal_id}/renew", json=renewing("2027-06-01", "2027-06-04"), headers=staff
    )
    assert second.status_code == 422 and "déjà un renouvellement" in second.text


async def test_the_scheduler_reminds_once_at_the_right_time_even_after_a_restart(
    servers: Servers, profiles: httpx.AsyncClient, placements: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    nantes = await agency(profiles, "Mission locale")
    unsigned = (await created(placements, nantes, convention(await new_beneficiary(profiles, nantes))))["convention_id"]
    await step(placements, nantes.counsellor, unsigned, "send")
    assert (await placements.post(await link(servers, unsigned, "employer") + "/confirm")).status_code == 200
    pending = (await created(placements, nantes, convention(await new_beneficiary(profiles, nantes))))["convention_id"]
    await step(placements, nantes.counsellor, pending, "send")
    assert (await placements.post(await link(servers, pending, "employer") + "/confirm")).status_code == 200
    for role in ("employer", "beneficiary"):
        assert (await placements.post(await link(servers, pending, role, "sign") + "/sign")).status_code == 200

    async def reminders(convention_id: str, expected: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
        """The reminders published, once the expected ones are there (the relay publishes within
        milliseconds; a duplicate would show as an extra item)."""
        found: list[tuple[str, list[str]]] = []

        async def published() -> bool:
            nonlocal found
            found = [
                (e.payload["key"], e.payload["recipients"])
                for e in await events_of(servers, convention_id)
                if e.event_type == "placements.convention.reminder_due"
            ]
            return len(found) >= len(expected)

        await wait_until(published, timeout=15, what=f"{len(expected)} reminders")
        return found

    await sweep(placements, "2027-03-09")
    assert await reminders(unsigned, []) == [] and await reminders(pending, []) == []
    await sweep(placements, "2027-03-10")  # three working days before Monday 15 March
    assert await reminders(pending, [THREE]) == [THREE]
    assert await reminders(unsigned, []) == []
    await sweep(placements, "2027-03-11")  # two working days before
    await sweep(placements, "2027-03-11")
    assert await reminders(unsigned, [TWO]) == [TWO]

    platform["placements"].kill()
    platform["placements"].start()
    await platform["placements"].wait_ready()
    await sweep(placements, "2027-03-11")
    await sweep(placements, "2027-03-12")  # one working day before
    await sweep(placements, "2027-03-12")
    assert await reminders(pending, [THREE, ONE]) == [THREE, ONE]
    assert await reminders(unsigned, [TWO]) == [TWO]

    await sweep(placements, "2027-05-13")
    assert (await read(placements, nantes, unsigned))["status"] == "confirmed_by_employer"
    await sweep(placements, "2027-05-14")  # a month after the planned end, still unsigned
    assert (await read(placements, nantes, unsigned))["status"] == "expired"


async def test_erasing_the_beneficiary_cancels_and_scrubs_their_conventions(
    servers: Servers, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    person = await new_beneficiary(profiles, nantes)
    body = convention(person)
    name = body["beneficiary"]["last_name"]
    body |= {  # the counsellor wrote the person's name into every free text of the terms
        "tasks": f"{name} accueille les clients.",
        "evaluation": f"Le tuteur observe {name}.",
        "operational_objectives": [f"{name} découvre le métier", "Tenir la caisse"],
        "workplace": f"Le bureau de {name}",
    }
    made = await created(placements, nantes, body)
    convention_id = made["convention_id"]
    await step(placements, nantes.counsellor, convention_id, "send")
    assert (await profiles.delete(f"/beneficiaries/{person}", headers=nantes.counsellor)).status_code == 204

    async def scrubbed() -> bool:
        return (await read(placements, nantes, convention_id))["status"] == "cancelled"

    await wait_until(scrubbed, timeout=30, what="the convention cancelled on erasure")
    after = await read(placements, nantes, convention_id)
    assert after["terms"]["beneficiary"]["email"] == "" and made["terms"]["beneficiary"]["last_name"] not in str(after)
    assert after["reason"]["code"] == "erasure"
    employer_link = await link(servers, convention_id, "employer")
    closed = await placements.get(employer_link)
    assert closed.status_code == 410 and "close" in closed.json()["detail"]

    async def cancelled_published() -> bool:
        return "placements.convention.cancelled" in [e.event_type for e in await events_of(servers, convention_id)]

    await wait_until(cancelled_published, timeout=15, what="the cancellation on Kafka")
    contacts = [e for e in await events_of(servers, convention_id) if e.event_type.endswith("contacts_changed")]
    assert contacts[-1].payload["roles"] == ["employer", "tutor"]
    again = await placements.post("/conventions", json=convention(person), headers=nantes.counsellor)
    assert again.status_code == 404


async def test_an_employer_declines_then_a_two_step_agency_validates(
    servers: Servers, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await agency(profiles, "Mission locale")
    admin = bearer(await login(profiles, await new_staff(profiles, nantes.agency_id, ["agency_admin"], as_operator())))
    chosen = await placements.put("/agency/validation", json={"validation": "two_step"}, headers=admin)
    assert chosen.status_code == 200, chosen.text
    refused = await placements.put("/agency/validation", json={"validation": "one_step"}, headers=nantes.counsellor)
    assert refused.status_code == 403

    convention_id = (await created(placements, nantes, convention(await new_beneficiary(profiles, nantes))))[
        "convention_id"
    ]
    await step(placements, nantes.counsellor, convention_id, "send")
    employer = await link(servers, convention_id, "employer")
    no_reason = await placements.post(employer + "/decline", json={"reason": "other"})
    assert no_reason.status_code == 422 and "note" in no_reason.text
    declined = await placements.post(employer + "/decline", json={"reason": "dates", "note": "Pas en mars."})
    assert declined.status_code == 200 and declined.json()["status"] == "declined_by_employer"
    waiting = await placements.get("/conventions", params={"waiting_for": "counsellor"}, headers=nantes.counsellor)
    assert convention_id in [c["convention_id"] for c in waiting.json()]

    revised = await step(placements, nantes.counsellor, convention_id, "revise")
    assert revised["status"] == "draft" and revised["reason"]["code"] == "dates"
    body = convention(revised["beneficiary_id"], start_date="2027-04-05", end_date="2027-04-30")
    body.pop("beneficiary_id")
    edited = await placements.put(f"/conventions/{convention_id}", json=body, headers=nantes.counsellor)
    assert edited.status_code == 200 and edited.json()["terms"]["start_date"] == "2027-04-05"
    await step(placements, nantes.counsellor, convention_id, "send")
    newer = await link(servers, convention_id, "employer", "confirm", replacing=employer)
    assert (await placements.post(newer + "/confirm")).status_code == 200
    for role in ("beneficiary", "employer"):
        assert (await placements.post(await link(servers, convention_id, role, "sign") + "/sign")).status_code == 200

    first = await placements.post(f"/conventions/{convention_id}/validate", headers=nantes.colleague)
    assert first.status_code == 409 and first.json()["status"] == "signed"
    assert "pre_validate" in first.json()["allowed"]
    assert (await read(placements, nantes, convention_id))["waiting_for"] == ["counsellor"]
    await step(placements, nantes.counsellor, convention_id, "pre_validate")
    validated = await step(placements, nantes.colleague, convention_id, "validate")
    assert validated["status"] == "validated"
    cancelled = await placements.post(f"/conventions/{convention_id}/cancel", json={}, headers=nantes.counsellor)
    assert cancelled.status_code == 422 and "reason" in cancelled.text
    stopped = await step(placements, nantes.counsellor, convention_id, "cancel", reason="found_a_job")
    assert stopped["status"] == "cancelled" and stopped["your_actions"] == []


async def test_an_agencys_list_pages_and_the_scheduler_reads_only_the_conventions_due(servers: Servers) -> None:
    """On the use cases and the repository, below the API: the agency's list newest first page after page,
    filtered by who has to act in the database; the scheduler's pass reads the conventions due by their
    index, and conventions stored before next_due_at existed get it at start-up."""
    settings = settings_for(servers, "conventions")
    client, database = connect(settings)
    await create_indexes(database, INDEXES)
    projections = Projections(database)
    conventions = Conventions(database, OutboxWriter())
    service = ConventionService(conventions, projections, LINK_KEY)
    counsellor = Party(frozenset({Actor.COUNSELLOR}), "counsellor")
    people = [str(uuid.uuid4()) for _ in range(12)]
    now = datetime.now(UTC)

    async def ids(selection: Selection, after: str | None = None, limit: int = 50) -> list[str]:
        return [c.id for c in await conventions.of_agency(selection, after, limit)]

    async def due(moment: datetime) -> list[str]:
        return [c.id for c in await conventions.due(moment)]

    try:
        await projections.beneficiaries.insert_many(
            [
                {"_id": p, "agency_id": "here" if i else "there", "minor": False, "active": True, "version": 1}
                for i, p in enumerate(people)
            ]
        )
        terms = Terms.model_validate({k: v for k, v in EXAMPLE.items() if k != "beneficiary_id"})
        made = [
            (await service.create("there" if i == 0 else "here", "c", p, terms, now)).id for i, p in enumerate(people)
        ]
        ours = made[1:][::-1]  # newest first
        pages = [
            [s.convention_id for s in page] async for page in conventions.summaries_of_agency(Selection("here"), 4)
        ]
        assert pages == [ours[:4], ours[4:8], ours[8:]]
        first = await ids(Selection("here"), None, 5)
        assert await ids(Selection("here"), first[-1], 5) == ours[5:10]
        assert await ids(Selection("here", beneficiary_id=people[3])) == [made[3]]
        assert await ids(Selection("here", beneficiary_id=people[0])) == [], "another agency's"
        sent = [(await service.act(await conventions.get(i), Action.SEND, counsellor, now)).id for i in made[1:3]]
        assert await ids(Selection("here", waiting_for="employer")) == sent[::-1]
        assert await ids(Selection("here", waiting_for="counsellor")) == [i for i in ours if i not in sent]
        assert await ids(Selection("here", waiting_for="nobody")) == []

        assert await due(now) == [], "nothing is due before the immersion"
        await database[CONVENTIONS].update_many({"_id": {"$in": made[:5]}}, {"$unset": {"next_due_at": ""}})
        await prepare_database(database)  # as at start-up
        assert await database[CONVENTIONS].count_documents({"next_due_at": {"$exists": False}}) == 0
        two_days_before = datetime.fromisoformat("2027-03-11T09:00:00+01:00")  # the employer is reminded
        assert sorted(await due(two_days_before)) == sorted(sent)
        assert await Scheduler(service, conventions).sweep(two_days_before) == {"reminders": 2, "steps": 0}
        assert await due(two_days_before) == [], "reminded: due again only at the expiry"
        expiry = datetime.fromisoformat("2027-05-14T09:00:00+02:00")  # a month after the planned end
        assert len(await due(expiry)) == len(made)
        assert await Scheduler(service, conventions).sweep(expiry) == {"reminders": 0, "steps": len(made)}
        assert {d["status"] for d in await database[CONVENTIONS].find().to_list()} == {"expired"}
        assert await due(expiry + timedelta(days=400)) == [], "an expired convention is never due"
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
