"""Two matching instances in one consumer group: each applies the events of the partitions it owns, and
both memories follow every change, whichever instance made it (see `services.matching.adapters.memory_follower`)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from services.kit.ids import new_id
from services.kit.mongo import Document, create_indexes
from services.kit.outbox import OutboxWriter
from services.matching.adapters.indexes import INDEXES
from services.matching.adapters.projections import beneficiary_view, peer_view
from services.matching.adapters.stores import Stores
from services.matching.domain.introduction import Proposal
from services.matching.domain.introduction_rules import Purpose
from services.matching.memory import Memory
from services.matching.use_cases.introductions import IntroductionService, Policy, Refused
from services.matching.use_cases.peer_records import PeerRecords
from services.matching.use_cases.rematching import Rematcher
from tests.conftest import ROOT, Servers, free_port
from tests.integration.conftest import Platform
from tests.integration.support import ServiceProcess, accept_charter, wait_until
from tests.integration.test_profiles_beneficiaries_api import Agency, beneficiary
from tests.integration.test_profiles_peers_api import peer
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

# an agency of another region (Centre-Val de Loire) with peers seen by their agency only: nothing here
# enters the suggestions that the tests of region 52 count
REGION = "24"


async def lone_agency(profiles: httpx.AsyncClient) -> Agency:
    created = await profiles.post(
        "/agencies",
        json={"name": f"Mission locale {uuid.uuid4().hex[:12]}", "kind": "mission_locale", "region_code": REGION},
        headers=as_operator(),
    )
    assert created.status_code == 201, created.text
    agency_id = str(created.json()["agency_id"])
    counsellor = bearer(await login(profiles, await new_staff(profiles, agency_id, ["counsellor"], as_operator())))
    colleague = bearer(await login(profiles, await new_staff(profiles, agency_id, ["validator"], as_operator())))
    return Agency(agency_id, counsellor, colleague)


@pytest.fixture
async def two_matchings(whole_platform: Platform) -> AsyncIterator[list[ServiceProcess]]:
    """Two instances of matching on one database and consumer group (a second one is started when the
    platform runs one, and stopped afterwards)."""
    instances = whole_platform.instances["matching"]
    started = []
    while len(instances) < 2:
        started.append(whole_platform.another("matching").start())
    try:
        await asyncio.gather(*(p.wait_ready() for p in started))
        yield instances[:2]
    finally:
        for process in started:
            process.stop()
            instances.remove(process)


async def published_peer(profiles: httpx.AsyncClient, owner: Agency, capacity: int) -> str:
    body = peer(visibility="agency", offer={"meeting_modes": ["in_person", "video"], "capacity_per_month": capacity})
    created = await profiles.post("/peers", json=body, headers=owner.counsellor)
    assert created.status_code == 201, created.text
    await accept_charter(profiles, created.json()["peer_id"])
    return str(created.json()["peer_id"])


async def suggested(instance: ServiceProcess, owner: Agency, beneficiary_id: str) -> set[str] | None:
    """The peers one instance suggests for the beneficiary (None while it does not know them)."""
    async with httpx.AsyncClient(base_url=instance.url, timeout=10) as client:
        answer = await client.get(
            f"/beneficiaries/{beneficiary_id}/suggestions", params={"limit": 50}, headers=owner.counsellor
        )
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return {s["peer_id"] for s in answer.json()}


async def wait_on_every(
    instances: list[ServiceProcess], owner: Agency, beneficiary_id: str, peer_id: str, *, listed: bool, what: str
) -> None:
    async def everywhere() -> bool:
        for instance in instances:
            found = await suggested(instance, owner, beneficiary_id)
            if found is None or (peer_id in found) != listed:
                return False
        return True

    await wait_until(everywhere, timeout=60, what=what)


async def propose(instance: ServiceProcess, owner: Agency, beneficiary_id: str, peer_id: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=instance.url, timeout=20) as client:
        return await client.post(
            f"/beneficiaries/{beneficiary_id}/introductions",
            json={"peer_id": peer_id, "purpose": "testimony", "beneficiary_agreed": True},
            headers=owner.counsellor,
        )


async def offers(servers: Servers, beneficiary_id: str, peer_id: str) -> list[dict[str, Any]]:
    records = await read_topic(
        servers.kafka_bootstrap_servers, "matching.suggestion", lambda r: r.key == beneficiary_id.encode()
    )
    envelopes = [Envelope.from_bytes(r.value) for r in records]
    return [
        e.payload
        for e in envelopes
        if e.event_type == "matching.suggestion.offered" and e.payload["peer_id"] == peer_id
    ]


async def test_both_instances_suggest_a_new_peer_and_drop_it_when_its_slot_is_taken_on_one_of_them(
    servers: Servers, profiles: httpx.AsyncClient, two_matchings: list[ServiceProcess]
) -> None:
    first, second = two_matchings
    owner = await lone_agency(profiles)
    person = (await profiles.post("/beneficiaries", json=beneficiary(), headers=owner.counsellor)).json()
    beneficiary_id = person["beneficiary_id"]
    peer_id = await published_peer(profiles, owner, capacity=1)

    # one instance applied the peer's events and the other its beneficiary's (or the same one both): each
    # suggests the peer only if its memory follows what the other did
    await wait_on_every(two_matchings, owner, beneficiary_id, peer_id, listed=True, what="both to suggest the peer")

    async def offered(peer_id: str) -> bool:
        return len(await offers(servers, beneficiary_id, peer_id)) >= 1

    await wait_until(lambda: offered(peer_id), timeout=30, what="the offer of the peer")

    taken = await propose(first, owner, beneficiary_id, peer_id)
    assert taken.status_code == 201, taken.text
    await wait_on_every(
        two_matchings, owner, beneficiary_id, peer_id, listed=False, what="both to see the peer's only slot taken"
    )
    again = await propose(second, owner, beneficiary_id, peer_id)
    assert again.status_code == 409, again.text

    # an instance that was away loads what it missed and follows again
    second.stop()
    later = await published_peer(profiles, owner, capacity=2)
    await wait_on_every([first], owner, beneficiary_id, later, listed=True, what="the remaining instance to suggest it")
    second.start()
    await second.wait_ready()
    await wait_on_every(two_matchings, owner, beneficiary_id, later, listed=True, what="the restarted one as well")
    last = await published_peer(profiles, owner, capacity=2)
    await wait_on_every(two_matchings, owner, beneficiary_id, last, listed=True, what="both to suggest the next peer")
    # the suggestions above are ranked from each instance's memory, which follows profiles' topics by
    # itself; the stored list (and its offer) is written when the consumer group applies the peer's event,
    # which the group's rebalances (an instance leaving, then joining) may hold back a few seconds longer
    # for one peer than for another: each offer is waited for
    for each in (peer_id, later, last):
        await wait_until(partial(offered, each), timeout=30, what=f"the offer of peer {each}")
    for each in (peer_id, later, last):  # whichever instance wrote the list, it was written and announced once
        assert len(await offers(servers, beneficiary_id, each)) == 1, each


async def test_a_peers_last_slot_goes_to_one_of_two_proposals_that_passed_their_checks_at_the_same_moment(
    servers: Servers,
) -> None:
    """As two instances would do: both read that the slot is free, then both write. The database decides."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(servers.mongodb_uri, tz_aware=True)
    database = client[f"test_slots_{uuid.uuid4().hex[:8]}"]
    try:
        await create_indexes(database, INDEXES)
        card = golden("profiles.peer.published")
        memory = Memory()
        memory.put_peer(peer_view({**card, "_id": card["peer_id"], "capacity_per_month": 1, "active": True}), 1)
        people = []
        for _ in range(2):
            project = {**golden("profiles.beneficiary.registered"), "_id": new_id(), "active": True}
            people.append(beneficiary_view(project, card["region_code"]))
            memory.put_beneficiary(people[-1], 1)
        stores = Stores.on(database, OutboxWriter())
        rematcher = Rematcher(stores.projections, stores.lists, memory)
        together = asyncio.Barrier(2)

        class TogetherOnce(OutboxWriter):
            """Writes once both proposals are past their checks (later attempts write at once)."""

            waited = False

            async def insert(self, collection: Any, document: Document, events: Any) -> None:
                if not self.waited:
                    self.waited = True
                    await together.wait()
                await super().insert(collection, document, events)

        services = []
        for _ in people:  # as two instances: each its own writer
            introductions = Stores.on(database, TogetherOnce()).introductions
            records = PeerRecords(introductions, memory, rematcher)
            services.append(IntroductionService(introductions, memory, records, Policy()))
        proposal = Proposal(card["peer_id"], Purpose.TESTIMONY)
        outcomes = await asyncio.gather(
            *(
                service.propose(b, "counsellor", "staff", proposal, datetime.now(UTC))
                for service, b in zip(services, people, strict=True)
            ),
            return_exceptions=True,
        )
        refused = [o for o in outcomes if isinstance(o, Refused)]
        assert len(refused) == 1 and "plus de place" in str(refused[0]), outcomes
        month = datetime.now(UTC).strftime("%Y-%m")
        holding = await stores.introductions.holding_slots(card["peer_id"], month)
        assert len(holding) == 1 and memory.load_of(card["peer_id"], month).booked == 1
    finally:
        await client.drop_database(database.name)
        await client.close()


def golden(event_type: str) -> dict[str, Any]:
    """An event's payload from the contracts' golden fixtures."""
    fixture = ROOT / "tests/contract/fixtures" / f"{event_type}.v1.json"
    return dict(json.loads(fixture.read_text())["payload"])


async def test_an_instance_whose_memory_is_not_loaded_answers_503_with_retry_after_never_an_empty_answer(
    whole_platform: Platform, profiles: httpx.AsyncClient, matching: httpx.AsyncClient, tmp_path: Any
) -> None:
    """An instance that cannot load its memory (it begins where Kafka says, and this one's Kafka does not
    answer) is alive but not ready, and its API refuses rather than ranking from an empty memory."""
    owner = await lone_agency(profiles)
    created = await profiles.post("/beneficiaries", json=beneficiary(), headers=owner.counsellor)
    assert created.status_code == 201, created.text
    beneficiary_id = created.json()["beneficiary_id"]
    nowhere = {**whole_platform.env["matching"], "PARCOURS_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"}
    loading = ServiceProcess("services.matching", free_port(), nowhere, tmp_path / "matching-loading.log").start()
    try:
        async with httpx.AsyncClient(base_url=loading.url, timeout=10) as client:

            async def alive() -> bool:
                try:
                    return (await client.get("/healthz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await wait_until(alive, timeout=60, what="the loading instance to answer")
            assert (await client.get("/readyz")).status_code == 503
            asked = [
                client.get(f"/beneficiaries/{beneficiary_id}/suggestions", headers=owner.counsellor),
                client.get("/introductions", headers=owner.counsellor),
                client.post(
                    f"/beneficiaries/{beneficiary_id}/introductions",
                    json={"peer_id": new_id(), "purpose": "testimony"},
                    headers=owner.counsellor,
                ),
            ]
            for answer in await asyncio.gather(*asked):
                assert answer.status_code == 503, (answer.request.url, answer.status_code, answer.text)
                assert int(answer.headers["Retry-After"]) > 0
                assert answer.json()["code"] == "service_warming_up" and "réessayez" in answer.json()["message"]
            assert (await client.get("/openapi.json")).status_code == 200
    finally:
        loading.stop()
    answered = await matching.get("/introductions", headers=owner.counsellor)  # a loaded instance answers
    assert answered.status_code == 200, answered.text
