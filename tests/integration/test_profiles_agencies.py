"""Agencies on the running platform: a name is required, tidy and unique among the region's open agencies (a
unique index, whichever instance writes); the operator renames and closes one, and a closed agency's staff no
longer sign in, its tokens stop working, and it leaves the lists while its events reach the other services."""

from __future__ import annotations

import uuid

import httpx
import pytest

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from tests.conftest import Servers
from tests.integration.conftest import OPERATOR_TOKEN
from tests.integration.support import ServiceProcess, wait_until
from tests.integration.test_profiles_staff_api import PASSWORD, as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration


async def register(profiles: httpx.AsyncClient, name: str, region: str = "52") -> httpx.Response:
    return await profiles.post(
        "/agencies", json={"name": name, "kind": "mission_locale", "region_code": region}, headers=as_operator()
    )


async def test_a_name_is_required_tidy_and_unique_within_its_region(profiles: httpx.AsyncClient) -> None:
    suffix = uuid.uuid4().hex[:4]
    first = await register(profiles, f"  Mission locale de l'Estuaire   {suffix} ")
    assert first.status_code == 201 and first.json()["name"] == f"Mission locale de l'Estuaire {suffix}"
    assert first.json()["status"] == "open"

    twin = await register(profiles, f"MISSION LOCALE DE L'ESTUAIRE {suffix}")
    assert twin.status_code == 409, twin.text
    assert twin.json()["detail"] == "Une structure de cette région porte déjà ce nom : choisissez-en un autre."
    accented = await register(profiles, f"Mission locale de l'Éstuaire {suffix}")
    assert accented.status_code == 409, "accents do not make another name"
    elsewhere = await register(profiles, f"Mission locale de l'Estuaire {suffix}", region="53")
    assert elsewhere.status_code == 201, "another region may have the same name"

    for bad, words in (("", "obligatoire"), ("   ", "obligatoire"), ("ML\nNantes", "caractère de contrôle")):
        refused = await register(profiles, bad)
        assert refused.status_code == 422, bad
        problem = refused.json()["detail"][0]
        assert problem["loc"] == ["body", "name"] and words in problem["msg"], refused.text

    admin_email = await new_staff(profiles, first.json()["agency_id"], ["agency_admin"], as_operator())
    admin = bearer(await login(profiles, admin_email))
    other = (await register(profiles, f"CIO de l'Estuaire {suffix}")).json()
    taken = await profiles.patch(
        f"/agencies/{first.json()['agency_id']}", json={"name": f"cio de l'estuaire {suffix}"}, headers=admin
    )
    assert taken.status_code == 409 and "porte déjà ce nom" in taken.json()["detail"]
    control = await profiles.patch(
        f"/agencies/{first.json()['agency_id']}", json={"name": "ML\u200bEstuaire"}, headers=admin
    )
    assert control.status_code == 422 and control.json()["detail"][0]["loc"] == ["body", "name"]
    renamed = await profiles.patch(
        f"/agencies/{first.json()['agency_id']}", json={"name": f" Mission locale Estuaire  {suffix}"}, headers=admin
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == f"Mission locale Estuaire {suffix}"
    assert other["status"] == "open"


async def test_the_operator_closes_an_agency_whose_staff_can_no_longer_sign_in(
    servers: Servers, profiles: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    name = f"Mission locale du Pays de Retz {uuid.uuid4().hex[:4]}"
    agency_id = (await register(profiles, name)).json()["agency_id"]
    admin_email = await new_staff(profiles, agency_id, ["agency_admin"], as_operator())
    counsellor_email = await new_staff(profiles, agency_id, ["counsellor"], as_operator())
    signed_in = (await profiles.post("/auth/login", json={"email": counsellor_email, "password": PASSWORD})).json()
    counsellor = bearer(signed_in["access_token"])
    admin = bearer(await login(profiles, admin_email))
    assert (await profiles.get("/beneficiaries", headers=counsellor)).status_code == 200

    by_admin = await profiles.post(f"/agencies/{agency_id}/close", headers=admin)
    assert by_admin.status_code == 401, "only the operator closes an agency"
    closed = await profiles.post(f"/agencies/{agency_id}/close", headers=as_operator())
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
    version = closed.json()["version"]

    for email in (admin_email, counsellor_email):
        refused = await profiles.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert refused.status_code == 401, email
    renewed = await profiles.post("/auth/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert renewed.status_code == 401, "the sign-ins of its staff end with it"
    still = await profiles.get("/beneficiaries", headers=counsellor)
    assert still.status_code == 401 and "fermé" in still.json()["detail"], "its accounts were closed with it"

    listed = await profiles.get("/agencies", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert agency_id not in {a["agency_id"] for a in listed.json()}, "a closed agency leaves the list"
    rename = await profiles.patch(f"/agencies/{agency_id}", json={"name": f"{name} bis"}, headers=as_operator())
    assert rename.status_code == 409 and "fermée" in rename.json()["detail"]
    again = await profiles.post(f"/agencies/{agency_id}/close", headers=as_operator())
    assert again.status_code == 200 and again.json()["version"] == version, "closing twice changes nothing"
    reused = await register(profiles, name)
    assert reused.status_code == 201, "a closed agency's name is free again"
    unknown = await profiles.post(f"/agencies/{uuid.uuid4()}/close", headers=as_operator())
    assert unknown.status_code == 404

    async with httpx.AsyncClient(timeout=10, headers=as_operator()) as http:

        async def known_closed() -> bool:
            listed = (await http.get(f"{platform['matching'].url}/directory/agencies")).json()
            return any(a["agency_id"] == agency_id and a.get("closed") for a in listed)

        await wait_until(known_closed, timeout=60, what="matching to learn that the agency closed")

    async def announced() -> list[str]:
        records = await read_topic(
            servers.kafka_bootstrap_servers, "profiles.agency", lambda r: r.key == agency_id.encode()
        )
        return [Envelope.from_bytes(r.value).event_type for r in records]

    async def both() -> bool:
        return len(await announced()) >= 2

    await wait_until(both, timeout=60, what="the agency's events")
    assert await announced() == ["profiles.agency.registered", "profiles.agency.closed"]
