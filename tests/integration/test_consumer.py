"""Consumers on real Kafka and the real database: dead letters, crashes, redelivery, the order of a batch
applied several keys at a time."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel
from pymongo import AsyncMongoClient

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyKind
from services.contracts.events.registry import EventContract, register
from services.kit import dlq_cli, kafka_admin, messaging
from services.kit.agency_directory import AgencyDirectory
from services.kit.dead_letters import DeadLetter, list_dead_letters, read_topic
from services.kit.messaging import EventRouter
from services.kit.runtime import ServiceRuntime
from services.profiles.domain import agency as agencies
from tests.conftest import ROOT, Servers
from tests.integration.support import running, settings_for, wait_until

pytestmark = pytest.mark.integration
TOPIC = "profiles.agency"
DLQ = "profiles.agency.dlq"


@pytest.fixture
async def kafka(servers: Servers) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers, acks="all")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


def registered(name: str) -> Envelope:
    return agencies.register(name, AgencyKind.CAP_EMPLOI, "52")[1]


async def test_malformed_message_goes_to_dead_letter_topic_and_the_partition_moves_on(
    servers: Servers, kafka: AIOKafkaProducer
) -> None:
    marker = f"malformed-{uuid.uuid4()}"
    garbage = await (await kafka.send(TOPIC, b"{not json at all", key=marker.encode(), partition=0))
    broken_contract = registered("Contrat rompu").model_copy(update={"payload": {"agency_id": marker}})
    await kafka.send_and_wait(TOPIC, broken_contract.to_bytes(), key=marker.encode(), partition=0)
    good = registered(f"Agence après {marker}")
    await kafka.send_and_wait(TOPIC, good.to_bytes(), key=good.aggregate_id.encode(), partition=0)

    router = EventRouter()
    runtime = ServiceRuntime(settings_for(servers, "dlq"), router=router)
    directory = AgencyDirectory(runtime.db)
    directory.subscribe(router)
    async with running(runtime):

        async def good_one_applied() -> bool:
            return await directory.collection.find_one({"_id": good.aggregate_id}) is not None

        await wait_until(good_one_applied, what="the message after the malformed ones")

    dead = await read_topic(
        servers.kafka_bootstrap_servers,
        DLQ,
        lambda r: r.key == marker.encode() and (messaging.DLQ_GROUP, runtime.consumer.group_id.encode()) in r.headers,
    )
    assert len(dead) == 2
    reasons = {r.value: dict(r.headers) for r in dead}
    garbage_headers = reasons[b"{not json at all"]
    assert garbage_headers[messaging.DLQ_ERROR].startswith(b"malformed envelope")
    assert garbage_headers[messaging.DLQ_TOPIC] == TOPIC.encode()
    assert garbage_headers[messaging.DLQ_PARTITION] == b"0"
    assert garbage_headers[messaging.DLQ_OFFSET] == str(garbage.offset).encode()
    contract_headers = reasons[broken_contract.to_bytes()]
    assert contract_headers[messaging.DLQ_ERROR].startswith(b"payload breaks its contract")
    assert b"name" in contract_headers[messaging.DLQ_ERROR]


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered(
    servers: Servers, kafka: AIOKafkaProducer
) -> None:
    poison, after = registered(f"Poison {uuid.uuid4()}"), registered("Agence suivante")
    attempts: list[str] = []
    applied: list[str] = []

    async def fragile(envelope: Envelope, payload: object) -> None:
        if envelope.event_id == poison.event_id:
            attempts.append(envelope.event_id)
            raise RuntimeError("the projection refuses this agency")
        applied.append(envelope.event_id)

    router = EventRouter().on("profiles.agency.registered", fragile)
    runtime = ServiceRuntime(settings_for(servers, "retry", consumer_max_attempts=3), router=router)
    for envelope in (poison, after):
        await kafka.send_and_wait(TOPIC, envelope.to_bytes(), key=b"same-key", partition=1)
    async with running(runtime):

        async def next_one_applied() -> bool:
            return after.event_id in applied

        await wait_until(next_one_applied, what="the event after the poison one")
    assert len(attempts) == 3
    dead = await read_topic(servers.kafka_bootstrap_servers, DLQ, lambda r: r.value == poison.to_bytes())
    headers = dict(dead[0].headers)
    assert headers[messaging.DLQ_ATTEMPTS] == b"3"
    assert b"RuntimeError: the projection refuses this agency" in headers[messaging.DLQ_ERROR]


async def test_consumer_killed_in_the_middle_of_a_batch_resumes_without_losing_a_message(
    servers: Servers, kafka: AIOKafkaProducer, tmp_path: Path
) -> None:
    lot = f"Lot {uuid.uuid4().hex[:6]}"
    sent = [registered(f"{lot} n°{i}") for i in range(400)]
    for envelope in sent:
        await kafka.send(TOPIC, envelope.to_bytes(), key=envelope.aggregate_id.encode())
    await kafka.flush()
    name = f"test-kill-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PARCOURS_KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "PARCOURS_MONGODB_URI": servers.mongodb_uri,
    }
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(servers.mongodb_uri)
    applied = client[f"parcours_{name}"]["applied"]

    async def start() -> asyncio.subprocess.Process:
        with (tmp_path / "consumer.log").open("ab") as log:
            return await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.integration.slow_consumer",
                name,
                lot,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    first = await start()

    async def some_applied() -> bool:
        return await applied.count_documents({}) >= 120

    await wait_until(some_applied, timeout=60, what="the first consumer to apply 120 events")
    first.kill()
    await first.wait()
    applied_before_kill = await applied.count_documents({})
    assert applied_before_kill < 400, "the kill must happen while work remains"

    second = await start()
    try:

        async def all_applied() -> bool:
            return len(await applied.distinct("event_id")) == 400

        await wait_until(all_applied, timeout=90, what="the restarted consumer to apply every event")
    finally:
        second.terminate()
        await second.wait()
    distinct = set(await applied.distinct("event_id"))
    assert distinct == {e.event_id for e in sent}, "no message lost"
    repeated = await applied.count_documents({}) - 400
    assert repeated <= 50, f"only the batch in flight at the kill may be applied again, {repeated} were"
    await client.drop_database(f"parcours_{name}")
    await client.close()


async def test_a_dead_letter_replayed_from_the_command_line_after_the_fix_is_applied_once(
    servers: Servers, kafka: AIOKafkaProducer, capsys: pytest.CaptureFixture[str]
) -> None:
    event, sentinel = registered(f"Rejouée {uuid.uuid4()}"), registered("Sentinelle")
    bug = {"present": True}
    applied: list[str] = []

    async def handler(envelope: Envelope, payload: object) -> None:
        if envelope.event_id == event.event_id and bug["present"]:
            raise RuntimeError("a bug in the handler")
        applied.append(envelope.event_id)

    router = EventRouter().on("profiles.agency.registered", handler)
    runtime = ServiceRuntime(settings_for(servers, "replay", consumer_max_attempts=1), router=router)
    await kafka.send_and_wait(TOPIC, event.to_bytes(), key=event.aggregate_id.encode())
    bootstrap = servers.kafka_bootstrap_servers
    async with running(runtime):

        async def dead_lettered() -> list[DeadLetter]:
            return [
                letter
                for letter in await list_dead_letters(bootstrap, DLQ)
                if letter.value == event.to_bytes() and letter.consumer_group == runtime.consumer.group_id
            ]

        await wait_until(lambda: _non_empty(dead_lettered()), what="the event to be dead-lettered")
        letter = (await dead_lettered())[0]
        bug["present"] = False

        assert await dlq_cli.run(["--bootstrap", bootstrap, "list", DLQ]) == 0
        listing = capsys.readouterr().out
        assert letter.position in listing and "RuntimeError: a bug in the handler" in listing

        assert await dlq_cli.run(["--bootstrap", bootstrap, "replay", DLQ, "--at", letter.position]) == 0
        assert "replayed 1 dead letter(s)" in capsys.readouterr().out

        async def replayed_applied() -> bool:
            return event.event_id in applied

        await wait_until(replayed_applied, what="the replayed event to be applied")
        assert await dlq_cli.run(["--bootstrap", bootstrap, "replay", DLQ, "--at", letter.position]) == 0
        await kafka.send_and_wait(TOPIC, sentinel.to_bytes(), key=event.aggregate_id.encode())

        async def sentinel_applied() -> bool:
            return sentinel.event_id in applied

        await wait_until(sentinel_applied, what="the event after the second replay")
    assert applied.count(event.event_id) == 1, "a second replay of the same letter changes nothing"
    assert await dlq_cli.run(["--bootstrap", bootstrap, "replay", DLQ, "--at", "0:999999999"]) == 2


async def _non_empty(letters: Awaitable[list[DeadLetter]]) -> bool:
    return bool(await letters)


class ContactV1(BaseModel):
    person_id: str


async def test_a_batch_applied_several_keys_at_a_time_puts_early_events_first_and_late_ones_last(
    servers: Servers, kafka: AIOKafkaProducer
) -> None:
    """The case the order exists for, on real Kafka and the real database: an e-mail to a person whose
    contact arrives later in the same batch, and an erasure produced before both."""
    topic = f"test.ordering-{uuid.uuid4().hex[:8]}"
    for event_type in ("test.contact.known", "test.email.due", "test.person.erased"):
        register(EventContract(event_type, 1, topic, ContactV1))
    await asyncio.to_thread(
        kafka_admin.provision_topics, servers.kafka_bootstrap_servers, [topic, topic + ".dlq"], 1, 1
    )

    def sent(event_type: str, person_id: str) -> Envelope:
        payload = {"person_id": person_id}
        return Envelope(
            event_type=event_type,
            aggregate_type="person",
            aggregate_id=person_id,
            aggregate_version=1,
            producer="test",
            payload=payload,
        )

    erased, contact, email = (
        sent("test.person.erased", "p-erased"),
        sent("test.contact.known", "p-new"),
        sent("test.email.due", "p-mail"),
    )
    email = email.model_copy(update={"payload": {"person_id": "p-new"}})  # to the person whose contact comes last
    for envelope in (erased, email, contact):  # one partition: one batch, in this order
        await kafka.send(topic, envelope.to_bytes(), key=envelope.aggregate_id.encode(), partition=0)
    await kafka.flush()

    runtime = ServiceRuntime(settings_for(servers, "ordering", consumer_parallel_keys=8))
    contacts, outcomes = runtime.db["contacts"], runtime.db["outcomes"]

    async def contact_known(envelope: Envelope, payload: ContactV1) -> None:
        await contacts.update_one({"_id": payload.person_id}, {"$set": {"erased": False}}, upsert=True)

    async def email_due(envelope: Envelope, payload: ContactV1) -> None:
        known = await contacts.find_one({"_id": payload.person_id})
        await outcomes.insert_one({"_id": envelope.event_id, "contact_known": known is not None})

    async def person_erased(envelope: Envelope, payload: ContactV1) -> None:
        await outcomes.insert_one({"_id": envelope.event_id, "after_email": await outcomes.count_documents({}) == 1})

    runtime.router.on("test.contact.known", contact_known, early=True)
    runtime.router.on("test.email.due", email_due)
    runtime.router.on("test.person.erased", person_erased, late=True)
    async with running(runtime):

        async def all_applied() -> bool:
            return await outcomes.count_documents({}) == 2

        await wait_until(all_applied, timeout=90, what="the three events of the batch")
        assert await outcomes.find_one({"_id": email.event_id}) == {"_id": email.event_id, "contact_known": True}
        assert await outcomes.find_one({"_id": erased.event_id}) == {"_id": erased.event_id, "after_email": True}
