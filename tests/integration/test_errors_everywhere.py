"""Every error of every service, on the running platform, in the one shape (`services.kit.errors`): a stable
snake_case `code`, the `field` (or null) and a French `message`. Each service is made to refuse in each
way it can: a form to correct (422), unknown (404), not now (409), not yours (403), no token (401), an
expired or altered link (410, 403), a body too large (413), too many requests (429); and the console's
proxy answers its own refusals the same way."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.contracts.links import CONVENTION_PARTY, PEER_INTRODUCTION, PEER_PROFILE, convention_link
from tests.french import problems_of_error
from tests.integration.conftest import LINK_KEY, Platform
from tests.integration.support import wait_until
from tests.integration.test_placements import convention, created, draft, new_beneficiary
from tests.integration.test_profiles_beneficiaries_api import Agency, agency, beneficiary

pytestmark = pytest.mark.integration

HUGE = b'{"x": "' + b"a" * 1_100_000 + b'"}'  # past the default PARCOURS_MAX_BODY_BYTES (1 MiB)
JSON = {"content-type": "application/json"}


def refused(answer: httpx.Response, status: int, code: str | None = None, field: str | None = "-") -> dict[str, Any]:
    """The answer is the one shape, with this status (and code, and field when given), its message French."""
    where = f"{answer.request.method} {answer.request.url.path}"
    assert answer.status_code == status, f"{where}: {answer.status_code} {answer.text[:400]}"
    body = answer.json()
    assert problems_of_error(body) == [], f"{where}: {body}"
    if code is not None:
        assert body["code"] == code, f"{where}: {body}"
    if field != "-":
        assert body["field"] == field, f"{where}: {body}"
    return dict(body)


@pytest.fixture
async def clients(whole_platform: Platform) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    opened = {
        name: httpx.AsyncClient(base_url=process.url, timeout=60) for name, process in whole_platform.first().items()
    }
    try:
        yield opened
    finally:
        for client in opened.values():
            await client.aclose()


@pytest.fixture
async def team(clients: dict[str, httpx.AsyncClient]) -> Agency:
    return await agency(clients["profiles"], "Mission locale des erreurs")


async def test_every_service_refuses_a_body_too_large_an_unknown_route_and_a_missing_token_in_the_one_shape(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    routes = {
        "profiles": "/beneficiaries",
        "matching": "/beneficiaries/b/introductions",
        "placements": "/conventions",
        "notifications": "/stream-tickets",
    }
    for name, path in routes.items():
        client = clients[name]
        refused(await client.post(path, content=HUGE, headers=JSON), 413, "body_too_large", "body")
        refused(await client.get("/nulle-part"), 404, "not_found", None)
        refused(await client.delete("/healthz"), 405, "method_not_allowed", None)
        no_token = refused(await client.post(path, json={}), 401, "token_required", None)
        assert "Connexion requise" in no_token["message"]
        bad_token = await client.get("/whoami", headers={"Authorization": "Bearer pas-un-jeton"})
        refused(bad_token, 401, "invalid_token", None)
        document = (await client.get("/openapi.json")).json()
        assert "ApiError" in document["components"]["schemas"], name


async def test_profiles_says_each_refusal_in_french_with_its_code(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    profiles = clients["profiles"]
    wrong = await profiles.post("/auth/login", json={"email": "personne@ml.test", "password": "pas-le-bon-mot"})
    assert refused(wrong, 401, "wrong_credentials")["message"] == "Adresse e-mail ou mot de passe incorrect."

    minor = beneficiary(target_jobs=["Z9999"], mobility_km=500)
    minor["identity"].update(birth_year=datetime.now(UTC).year - 15, first_name=" ")
    body = refused(await profiles.post("/beneficiaries", json=minor, headers=team.counsellor), 422, "invalid_input")
    said = {e["field"]: e["message"] for e in body["errors"]}
    assert said["identity.first_name"] == "Indiquez le prénom."
    assert said["project.mobility_km"] == "Indiquez une distance entre 0 et 300 km."
    assert said["project.target_jobs"].startswith("Métier inconnu (code ROME Z9999)")
    assert "représentant légal" in said["identity.guardian"]

    typed = await profiles.post("/beneficiaries", json={"identity": {"birth_year": "vieux"}}, headers=team.counsellor)
    assert refused(typed, 422, "invalid_input")["errors"][0]["message"] in (
        "Ce champ est obligatoire.",
        "Indiquez un nombre entier.",
    )
    refused(await profiles.get(f"/beneficiaries/{uuid.uuid4()}", headers=team.counsellor), 404, "beneficiary_not_found")
    refused(await profiles.get("/reference/jobs/Z9999", headers=team.counsellor), 404, "job_not_found")
    listed = await profiles.get("/reference/jobs", params={"q": "dev", "limit": 500}, headers=team.counsellor)
    assert refused(listed, 422, "invalid_input", "limit")["message"] == "Indiquez une valeur entre 1 et 100."

    staff = {"email": f"double-{uuid.uuid4().hex[:6]}@ml.test", "name": "Double", "roles": ["counsellor"]}
    staff["password"] = "un-mot-de-passe-assez-long"
    operator = {"Authorization": "Bearer test-operator-token"}
    first = await profiles.post(f"/agencies/{team.agency_id}/staff", json=staff, headers=operator)
    assert first.status_code == 201, first.text
    again = await profiles.post(f"/agencies/{team.agency_id}/staff", json=staff, headers=operator)
    refused(again, 409, "email_taken", "email")

    refused(await profiles.get("/links/peers/pas-un-lien"), 403, "link_invalid", None)
    expired = PEER_PROFILE.token(LINK_KEY, str(uuid.uuid4()), datetime.now(UTC) - timedelta(days=1))
    assert "expiré" in refused(await profiles.get(f"/links/peers/{expired}"), 410, "link_expired", None)["message"]
    unknown = PEER_PROFILE.token(LINK_KEY, str(uuid.uuid4()), datetime.now(UTC) + timedelta(days=1))
    refused(await profiles.get(f"/links/peers/{unknown}"), 410, "peer_gone", None)


async def test_a_link_asked_too_often_is_a_french_429_with_retry_after(clients: dict[str, httpx.AsyncClient]) -> None:
    """One link asked more often than `PARCOURS_RATE_LIMIT_LINKS_PER_LINK` (120 a minute) is refused."""
    profiles, token, answer = clients["profiles"], f"lien-martele-{uuid.uuid4().hex}", None
    for _ in range(400):  # a window may end while it counts: at most two windows' worth
        answer = await profiles.get(f"/links/peers/{token}")
        if answer.status_code == 429:
            break
        assert answer.status_code == 403, answer.text
    assert answer is not None
    body = refused(answer, 429, "too_many_requests", None)
    assert body["message"].startswith("Trop de demandes en peu de temps : réessayez dans")
    assert int(answer.headers["retry-after"]) >= 1


async def test_matching_says_each_refusal_in_french_with_its_code(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    profiles, matching = clients["profiles"], clients["matching"]
    beneficiary_id = await new_beneficiary(profiles, team)
    unknown = await matching.get(f"/beneficiaries/{uuid.uuid4()}/suggestions", headers=team.counsellor)
    refused(unknown, 404, "beneficiary_not_found", None)

    async def known() -> bool:
        answer = await matching.get(f"/beneficiaries/{beneficiary_id}/suggestions", headers=team.counsellor)
        return answer.status_code == 200

    await wait_until(known, timeout=60, what="matching to know the beneficiary")
    proposals = f"/beneficiaries/{beneficiary_id}/introductions"
    nobody = await matching.post(
        proposals, json={"peer_id": str(uuid.uuid4()), "purpose": "job_inquiry"}, headers=team.counsellor
    )
    refused(nobody, 409, "peer_unavailable", None)
    shapeless = await matching.post(
        proposals, json={"peer_id": 3, "purpose": "job_inquiry", "message": "x" * 2001}, headers=team.counsellor
    )
    said = {e["field"]: e["message"] for e in refused(shapeless, 422, "invalid_input")["errors"]}
    assert said == {"peer_id": "Indiquez un texte.", "message": "Indiquez au plus 2000 caractères."}
    limit = await matching.get(f"/beneficiaries/{beneficiary_id}/suggestions?limit=99", headers=team.counsellor)
    assert refused(limit, 422, "invalid_input", "limit")["message"] == "Indiquez une valeur entre 1 et 50."
    nowhere = await matching.get(f"/introductions/{uuid.uuid4()}", headers=team.counsellor)
    refused(nowhere, 404, "introduction_not_found")

    expired = PEER_INTRODUCTION.token(LINK_KEY, str(uuid.uuid4()), datetime.now(UTC) - timedelta(days=1))
    refused(await matching.get(f"/links/introductions/{expired}"), 410, "link_expired", None)
    refused(await matching.get("/links/introductions/pas-un-lien"), 403, "link_invalid", None)
    gone = PEER_INTRODUCTION.token(LINK_KEY, str(uuid.uuid4()), datetime.now(UTC) + timedelta(days=1))
    refused(await matching.get(f"/links/introductions/{gone}"), 404, "introduction_not_found", None)


async def test_placements_says_each_refusal_in_french_with_its_code(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    profiles, placements = clients["profiles"], clients["placements"]
    beneficiary_id = await new_beneficiary(profiles, team)
    wrong = convention(beneficiary_id, start_date="2027-03-15", end_date="2027-03-01")
    wrong["host"] = {**wrong["host"], "siret": "73282932000075"}
    body = refused(await draft(placements, team, wrong), 422, "invalid_input")
    said = {e["field"]: e["message"] for e in body["errors"]}
    assert said["host.siret"] == "La clé du SIRET est fausse : vérifiez les 14 chiffres."
    assert said["end_date"] == "La date de fin précède la date de début."

    made = await created(placements, team, convention(beneficiary_id))
    path = f"/conventions/{made['convention_id']}"
    too_soon = await placements.post(f"{path}/validate", headers=team.colleague)
    body = refused(too_soon, 409, "convention_wrong_status", None)
    assert body["status"] == "draft" and "send" in body["allowed"] and "« brouillon »" in body["message"]
    not_staff = await placements.post(f"{path}/confirm", headers=team.counsellor)
    refused(not_staff, 403, "not_a_staff_step", None)
    refused(await placements.get(f"/conventions/{uuid.uuid4()}", headers=team.counsellor), 404, "convention_not_found")
    refused(await placements.get(f"{path}/pdf", headers=team.counsellor), 409)

    convention_id = path.rsplit("/", 1)[1]
    expired = convention_link(LINK_KEY, convention_id, "employer", "l1", datetime.now(UTC) - timedelta(days=1))
    refused(await placements.get(f"/links/conventions/{convention_id}/{expired}"), 410, "link_expired", None)
    refused(await placements.get(f"/links/conventions/{convention_id}/pas-un-lien"), 403, "link_invalid", None)
    other = CONVENTION_PARTY.token(LINK_KEY, f"{uuid.uuid4()}:employer:l1", datetime.now(UTC) + timedelta(days=1))
    refused(await placements.get(f"/links/conventions/{convention_id}/{other}"), 403, "link_other_convention", None)
    never = convention_link(LINK_KEY, convention_id, "employer", "l1", datetime.now(UTC) + timedelta(days=1))
    refused(await placements.get(f"/links/conventions/{convention_id}/{never}"), 410, "link_replaced", None)


async def test_notifications_and_the_consoles_proxy_say_each_refusal_in_french_with_its_code(
    clients: dict[str, httpx.AsyncClient], team: Agency
) -> None:
    notifications, console = clients["notifications"], clients["console"]
    missing = await notifications.post(f"/inbox/{uuid.uuid4()}/read", headers=team.counsellor)
    refused(missing, 404, "notification_not_found", None)
    limit = await notifications.get("/inbox?limit=0", headers=team.counsellor)
    assert refused(limit, 422, "invalid_input", "limit")["message"] == "Indiquez une valeur entre 1 et 200."
    refused(await notifications.get("/inbox/stream?ticket=pas-un-ticket"), 401, "invalid_ticket", None)
    refused(await notifications.get("/operations/emails/e1"), 401, "operator_token_required", None)

    refused(await console.get("/api/facturation/factures"), 404, "unknown_service", None)
    through = await console.get(f"/api/profiles/beneficiaries/{uuid.uuid4()}", headers=team.counsellor)
    refused(through, 404, "beneficiary_not_found", None)
    refused(await console.get("/api/placements/conventions"), 401, "token_required", None)
    dashboard = await console.get("/api/console/insights/funnel", headers=team.counsellor)
    refused(dashboard, 403, "dashboard_not_for_you", None)
