"""Two instances of a service on one database: a change made through both at once loses nothing.

In the two-instance mode (PARCOURS_TEST_INSTANCES=2) the platform already runs two of each; otherwise
this test starts a second profiles instance beside the first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from services.profiles.api.beneficiaries import EXAMPLE
from tests.conftest import Servers
from tests.integration.conftest import Platform
from tests.integration.support import wait_until
from tests.integration.test_profiles_beneficiaries_api import agency, beneficiary, events_of

pytestmark = pytest.mark.integration


@pytest.fixture
async def two_profiles(whole_platform: Platform) -> AsyncIterator[list[httpx.AsyncClient]]:
    instances = whole_platform.instances["profiles"]
    if len(instances) < 2:
        await whole_platform.another("profiles").start().wait_ready()
    async with (
        httpx.AsyncClient(base_url=instances[0].url, timeout=30) as first,
        httpx.AsyncClient(base_url=instances[1].url, timeout=30) as second,
    ):
        yield [first, second]


async def test_one_beneficiary_changed_through_both_instances_at_once_loses_no_change(
    servers: Servers, profiles: httpx.AsyncClient, two_profiles: list[httpx.AsyncClient]
) -> None:
    """Forty project changes race on one beneficiary, half through each instance. Each one either lands
    (200, one version more, announced once on Kafka) or is refused as stale (409); none is silently lost
    under another."""
    nantes = await agency(profiles, "Mission locale")
    created = await profiles.post("/beneficiaries", json=beneficiary(), headers=nantes.counsellor)
    assert created.status_code == 201, created.text
    beneficiary_id = created.json()["beneficiary_id"]

    async def change(number: int) -> tuple[int, int]:
        instance = two_profiles[number % 2]
        project = {**EXAMPLE["project"], "mobility_km": number + 1}
        answer = await instance.patch(
            f"/beneficiaries/{beneficiary_id}", json={"project": project}, headers=nantes.counsellor
        )
        assert answer.status_code in (200, 409), answer.text
        return answer.status_code, answer.json().get("version", 0) if answer.status_code == 200 else 0

    outcomes = await asyncio.gather(*(change(n) for n in range(40)))
    landed = sorted(version for code, version in outcomes if code == 200)
    assert landed, "some changes landed"
    assert landed == list(range(2, 2 + len(landed))), "each landed change made exactly one new version"
    final = (await profiles.get(f"/beneficiaries/{beneficiary_id}", headers=nantes.counsellor)).json()
    assert final["version"] == 1 + len(landed)

    async def all_announced() -> bool:
        return len(await events_of(servers, beneficiary_id)) == 1 + len(landed)

    await wait_until(all_announced, timeout=60, what="every landed change on Kafka")
    events = await events_of(servers, beneficiary_id)
    assert [e.aggregate_version for e in events] == list(range(1, 2 + len(landed))), "once each, in order"
    assert events[-1].payload["mobility_km"] == final["project"]["mobility_km"]
