"""Profiles' staff accounts and tokens, through the HTTP API of the running services."""

from __future__ import annotations

import uuid

import httpx
import pytest

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from tests.conftest import Servers
from tests.integration.conftest import OPERATOR_TOKEN
from tests.integration.support import ServiceProcess, wait_until

pytestmark = pytest.mark.integration
PASSWORD = "un-mot-de-passe-solide"


def as_operator() -> dict[str, str]:
    return {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def new_agency(profiles: httpx.AsyncClient, name: str) -> str:
    created = await profiles.post(
        "/agencies", json={"name": name, "kind": "mission_locale", "region_code": "52"}, headers=as_operator()
    )
    assert created.status_code == 201, created.text
    return str(created.json()["agency_id"])


async def new_staff(profiles: httpx.AsyncClient, agency_id: str, roles: list[str], headers: dict[str, str]) -> str:
    email = f"{uuid.uuid4().hex[:8]}@ml.test"
    created = await profiles.post(
        f"/agencies/{agency_id}/staff",
        json={"email": email, "name": "Camille Durand", "roles": roles, "password": PASSWORD},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return email


async def login(profiles: httpx.AsyncClient, email: str) -> str:
    answer = await profiles.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def test_an_agency_admin_signs_in_and_creates_a_counsellor_whose_token_every_service_trusts(
    servers: Servers, profiles: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    agency_id = await new_agency(profiles, "Mission locale du Choletais")
    admin_email = await new_staff(profiles, agency_id, ["agency_admin"], as_operator())
    admin = bearer(await login(profiles, admin_email))
    counsellor_email = await new_staff(profiles, agency_id, ["counsellor", "validator"], admin)
    token = await login(profiles, counsellor_email.upper())  # e-mails are not case-sensitive

    me = (await profiles.get("/auth/me", headers=bearer(token))).json()
    assert me["agency_id"] == agency_id and me["roles"] == ["counsellor", "validator"] and me["region_code"] == "52"
    async with httpx.AsyncClient(timeout=10) as http:
        for name in ("matching", "placements", "notifications"):
            seen = await http.get(f"{platform[name].url}/whoami", headers=bearer(token))
            assert seen.status_code == 200, f"{name}: {seen.text}"
            assert seen.json()["agency_id"] == agency_id
        tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        refused = await http.get(f"{platform['matching'].url}/whoami", headers=bearer(tampered))
        assert refused.status_code == 401 and "Jeton invalide" in refused.json()["detail"]
        assert (await http.get(f"{platform['matching'].url}/whoami")).status_code == 401

    listed = await profiles.get(f"/agencies/{agency_id}/staff", headers=admin)
    assert {m["email"] for m in listed.json()} == {admin_email, counsellor_email}
    assert all("password" not in str(m) for m in listed.json())

    counsellor_id = next(m["staff_id"] for m in listed.json() if m["email"] == counsellor_email)

    async def registered() -> list[Envelope]:
        events = await read_topic(
            servers.kafka_bootstrap_servers, "profiles.staff", lambda r: r.key == counsellor_id.encode()
        )
        return [e for e in map(Envelope.from_bytes, (r.value for r in events)) if e.event_type.endswith("registered")]

    async def announced() -> bool:
        return bool(await registered())

    await wait_until(announced, timeout=120, what="the counsellor's registration on Kafka")
    announcement = (await registered())[0]
    assert announcement.tenant_id == agency_id and announcement.payload["roles"] == ["counsellor", "validator"]
    on_the_topic = announcement.model_dump_json()
    assert "password" not in on_the_topic and counsellor_email not in on_the_topic and "Camille" not in on_the_topic
    assert announcement.event_version == 2, "notifications fetches the name and e-mail from profiles"


async def test_staff_accounts_are_refused_what_they_may_not_do(profiles: httpx.AsyncClient) -> None:
    mine, other = await new_agency(profiles, "CIO de Cholet"), await new_agency(profiles, "CIO de Saumur")
    admin = bearer(await login(profiles, await new_staff(profiles, mine, ["agency_admin"], as_operator())))
    counsellor = bearer(await login(profiles, await new_staff(profiles, mine, ["counsellor"], admin)))
    body = {"email": "x@ml.test", "name": "X", "roles": ["counsellor"], "password": PASSWORD}

    assert (await profiles.post(f"/agencies/{other}/staff", json=body, headers=admin)).status_code == 404
    assert (await profiles.post(f"/agencies/{mine}/staff", json=body, headers=counsellor)).status_code == 404
    assert (await profiles.get(f"/agencies/{other}/staff", headers=admin)).status_code == 404
    coordinator = {**body, "roles": ["regional_coordinator"]}
    assert (await profiles.post(f"/agencies/{mine}/staff", json=coordinator, headers=admin)).status_code == 403
    new_agency_attempt = {"name": "Pirate", "kind": "other", "region_code": "52"}
    assert (await profiles.post("/agencies", json=new_agency_attempt, headers=admin)).status_code in (401, 403)

    first = await profiles.post(f"/agencies/{mine}/staff", json=body, headers=admin)
    assert first.status_code == 201
    again = await profiles.post(f"/agencies/{mine}/staff", json={**body, "email": "X@ML.test"}, headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "email_taken" and again.json()["field"] == "email"
    assert again.json()["message"] == "Cette adresse e-mail a déjà un compte."

    wrong = await profiles.post("/auth/login", json={"email": "x@ml.test", "password": "pas le bon mot de passe"})
    unknown = await profiles.post("/auth/login", json={"email": "personne@ml.test", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json(), "a wrong password and an unknown address read the same"
    assert wrong.json()["code"] == "wrong_credentials"
    assert wrong.json()["message"] == "Adresse e-mail ou mot de passe incorrect."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "pas-un-email"}, "email"),
        ({"password": "court"}, "password"),
        ({"roles": []}, "roles"),
        ({"roles": ["chef"]}, "roles"),
        ({"name": ""}, "name"),
    ],
)
async def test_bad_staff_input_is_answered_422_naming_the_field(
    profiles: httpx.AsyncClient, change: dict[str, object], field: str
) -> None:
    agency_id = await new_agency(profiles, f"Agence {uuid.uuid4().hex[:4]}")
    body = {"email": f"{uuid.uuid4().hex[:8]}@ml.test", "name": "Lou", "roles": ["counsellor"], "password": PASSWORD}
    answer = await profiles.post(f"/agencies/{agency_id}/staff", json={**body, **change}, headers=as_operator())
    assert answer.status_code == 422
    assert any(field in problem["loc"] for problem in answer.json()["detail"]), answer.text


async def test_reference_data_for_forms(profiles: httpx.AsyncClient) -> None:
    agency_id = await new_agency(profiles, "Agence référentiels")
    token = bearer(await login(profiles, await new_staff(profiles, agency_id, ["counsellor"], as_operator())))
    assert (await profiles.get("/reference/jobs", params={"q": "boulanger"})).status_code == 401

    found = (await profiles.get("/reference/jobs", params={"q": "developpeur web"}, headers=token)).json()
    assert found[0]["code"] == "M1855" and found[0]["label"].startswith("Développeur")
    by_domain = (await profiles.get("/reference/jobs", params={"q": "M18"}, headers=token)).json()
    assert by_domain and all(j["code"].startswith("M18") for j in by_domain)
    sheet = (await profiles.get("/reference/jobs/M1805", headers=token)).json()
    assert sheet["domain"] == "M18" and "62" in sheet["sectors"]
    assert (await profiles.get("/reference/jobs/Z9999", headers=token)).status_code == 404
    sectors = (await profiles.get("/reference/sectors", headers=token)).json()
    assert {"code": "62", "label": sectors[[s["code"] for s in sectors].index("62")]["label"]} in sectors
    for typed in ("saint-naz", "St Nazaire", "SAINT NAZ"):
        places = await profiles.get("/reference/places", params={"q": typed, "region_code": "52"}, headers=token)
        assert places.json()[0]["name"] == "Saint-Nazaire" and places.json()[0]["region_code"] == "52", typed


async def test_agencies_are_registered_listed_and_renamed_with_their_events(
    servers: Servers, profiles: httpx.AsyncClient
) -> None:
    created = await profiles.post(
        "/agencies",
        json={
            "name": "Mission locale   du Vignoble",
            "kind": "mission_locale",
            "region_code": "52",
            "places_served": ["2990969", "3037656"],
        },
        headers=as_operator(),
    )
    assert created.status_code == 201 and created.json()["name"] == "Mission locale du Vignoble"
    agency_id = created.json()["agency_id"]
    outside = await profiles.post(
        "/agencies",
        json={"name": "X", "kind": "cio", "region_code": "52", "places_served": ["2988507"]},
        headers=as_operator(),
    )
    assert outside.status_code == 422 and "pas une commune de la région 52" in outside.text, "Paris is not in region 52"

    admin = bearer(await login(profiles, await new_staff(profiles, agency_id, ["agency_admin"], as_operator())))
    listed = (await profiles.get("/agencies", headers=admin)).json()
    assert {"agency_id": agency_id, "places_served": ["2990969", "3037656"]}.items() <= next(
        a for a in listed if a["agency_id"] == agency_id
    ).items()
    renamed = await profiles.patch(f"/agencies/{agency_id}", json={"name": "ML du Vignoble nantais"}, headers=admin)
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    other = await new_agency(profiles, "Autre agence")
    assert (await profiles.patch(f"/agencies/{other}", json={"name": "Pris"}, headers=admin)).status_code == 404

    async def announced() -> list[str]:
        records = await read_topic(
            servers.kafka_bootstrap_servers, "profiles.agency", lambda r: r.key == agency_id.encode()
        )
        return [Envelope.from_bytes(r.value).event_type for r in records]

    async def both() -> bool:
        return len(await announced()) == 2

    await wait_until(both, timeout=120, what="the agency's two events")
    assert await announced() == ["profiles.agency.registered", "profiles.agency.renamed"]


async def test_a_deactivated_account_can_no_longer_sign_in(profiles: httpx.AsyncClient) -> None:
    agency_id = await new_agency(profiles, "CIO de Nantes")
    admin = bearer(await login(profiles, await new_staff(profiles, agency_id, ["agency_admin"], as_operator())))
    email = await new_staff(profiles, agency_id, ["counsellor"], admin)
    token = bearer(await login(profiles, email))
    assert (await profiles.get("/beneficiaries", headers=token)).status_code == 200
    staff_id = next(
        m["staff_id"]
        for m in (await profiles.get(f"/agencies/{agency_id}/staff", headers=admin)).json()
        if m["email"] == email
    )
    closed = await profiles.post(f"/agencies/{agency_id}/staff/{staff_id}/deactivate", headers=admin)
    assert closed.status_code == 200 and closed.json()["active"] is False
    refused = await profiles.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert refused.status_code == 401
    still_signed_in = await profiles.get("/beneficiaries", headers=token)
    assert still_signed_in.status_code == 401 and "fermé" in still_signed_in.json()["detail"], "its token too"
