"""Notifications on the running platform, with a real SMTP server: an employer follows the link of the
e-mail they received; the counsellor sees it live in the browser (SSE) and in the inbox, a counsellor of
another agency does not; a redelivered event changes nothing; with the SMTP server down the e-mail waits,
and arrives once it is back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.contracts.events.placements import ConventionSignedV1
from services.contracts.events.profiles import StaffRegisteredV1
from services.kit.dead_letters import read_topic
from services.kit.domain import domain_event
from services.kit.ids import new_id
from services.kit.mongo import connect, create_indexes
from services.kit.outbox import OutboxWriter
from services.notifications.adapters.convention_contacts import ConventionContacts
from services.notifications.adapters.emails import EMAILS, Emails
from services.notifications.adapters.inbox import INBOX, InboxEntries
from services.notifications.adapters.indexes import INDEXES
from services.notifications.adapters.owners import Owners
from services.notifications.adapters.peer_contacts import PeerContacts
from services.notifications.adapters.preferences import Preferences
from services.notifications.adapters.pushes import PUSHES, Pushes
from services.notifications.adapters.smtp import SmtpSettings, message_id
from services.notifications.adapters.staff_contacts import StaffContacts
from services.notifications.domain.email import Email, Status
from services.notifications.domain.inbox_entry import InboxEntry
from services.notifications.use_cases.directory import Directory
from services.notifications.use_cases.dispatch import Dispatcher
from services.notifications.use_cases.inbox import Inbox
from services.notifications.use_cases.links import Links
from services.notifications.use_cases.mailing import Mailer
from services.notifications.use_cases.preferences import ChannelChoices
from tests.conftest import Servers, free_port
from tests.integration.conftest import OPERATOR_TOKEN, MailCatcher, Platform
from tests.integration.support import ServiceProcess, settings_for, wait_until
from tests.integration.test_placements import convention, created, new_beneficiary, step
from tests.integration.test_profiles_beneficiaries_api import Agency, agency

pytestmark = pytest.mark.integration
LINK = re.compile(r"(https?://\S+/links/conventions/\S+)")
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


@pytest.fixture
async def notifications(platform: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform["notifications"].url, timeout=20) as client:
        yield client


class Browser:
    """An EventSource: the SSE stream of one staff member, read in the background."""

    def __init__(self, base_url: str, who: dict[str, str]) -> None:
        self.url = f"{base_url}/inbox/stream"
        self.headers = who
        self.events: list[dict[str, Any]] = []
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _ticket(self, client: httpx.AsyncClient) -> str:
        given = await client.post(self.url.replace("/inbox/stream", "/stream-tickets"), headers=self.headers)
        assert given.status_code == 201, given.text
        return str(given.json()["ticket"])

    async def _read(self) -> None:
        async with (
            httpx.AsyncClient(timeout=httpx.Timeout(5, read=None)) as client,
            client.stream("GET", self.url, params={"ticket": await self._ticket(client)}) as answer,
        ):
            assert answer.status_code == 200
            data = ""
            async for line in answer.aiter_lines():
                if line.startswith(": connected"):
                    self.connected.set()
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    self.events.append(json.loads(data))
                    data = ""

    async def __aenter__(self) -> Browser:
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self.connected.wait(), 10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task


async def mail_to(mail: MailCatcher, address: str, subject_words: str, count: int = 1) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    async def arrived() -> bool:
        nonlocal found
        found = [m for m in await mail.messages() if address in m["to"] and subject_words in m["subject"]]
        return len(found) >= count

    await wait_until(arrived, timeout=60, what=f"an e-mail to {address} about {subject_words!r}")
    return found


async def duplicates(instances: list[ServiceProcess]) -> float:
    """How many redelivered placements events notifications recognised and skipped (the metrics of every
    instance: in the two-instance mode the one that owns the partition counts it)."""
    async with httpx.AsyncClient(timeout=20) as http:
        metrics = [line for p in instances for line in (await http.get(f"{p.url}/metrics")).text.splitlines()]
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics
        if line.startswith("parcours_events_consumed_total{")
        and 'outcome="duplicate"' in line
        and 'topic="placements.convention"' in line
    )


async def sent_convention(profiles: httpx.AsyncClient, placements: httpx.AsyncClient, owner: Agency) -> dict[str, Any]:
    body = convention(await new_beneficiary(profiles, owner))
    body["host"] = {**body["host"], "email": f"accueil-{body['beneficiary']['last_name'].lower()}@entreprise.test"}
    made = await created(placements, owner, body)
    await step(placements, owner.counsellor, made["convention_id"], "send")
    return made


async def test_an_employer_confirms_from_the_e_mail_and_the_counsellor_sees_it_live(
    servers: Servers,
    profiles: httpx.AsyncClient,
    placements: httpx.AsyncClient,
    notifications: httpx.AsyncClient,
    mail: MailCatcher,
    whole_platform: Platform,
) -> None:
    nantes, angers = await agency(profiles, "Mission locale"), await agency(profiles, "Cap emploi")

    async def staff_known() -> bool:
        answers = [await notifications.get("/inbox/unread-count", headers=h) for h in (nantes.counsellor,)]
        return all(a.status_code == 200 for a in answers)

    await wait_until(staff_known, timeout=30, what="notifications to trust the tokens")
    base = str(notifications.base_url).rstrip("/")
    async with Browser(base, nantes.counsellor) as mine, Browser(base, angers.counsellor) as theirs:
        made = await sent_convention(profiles, placements, nantes)
        employer = made["terms"]["host"]["email"]
        [invitation] = await mail_to(mail, employer, "Confirmez l'accueil")
        assert invitation["text"].startswith(f"Bonjour {made['terms']['host']['contact_name']},")
        url = LINK.search(invitation["text"])
        assert url is not None, invitation["text"]
        confirmed = await placements.post(urlsplit(url.group(1)).path + "/confirm")
        assert confirmed.status_code == 200, confirmed.text

        async def pushed() -> bool:
            return any(e["kind"] == "convention_confirmed" for e in mine.events)

        await wait_until(pushed, timeout=30, what="the confirmation pushed to the counsellor's browser")
        [live] = [e for e in mine.events if e["kind"] == "convention_confirmed"]
        assert live["title"] == "Convention confirmée par l'entreprise" and live["subject_id"] == made["convention_id"]
        await mail_to(mail, employer, "Signez la convention")
        await asyncio.sleep(1)
        assert theirs.events == []

    inbox = (await notifications.get("/inbox", headers=nantes.counsellor)).json()
    assert [n["kind"] for n in inbox if n["subject_id"] == made["convention_id"]] == ["convention_confirmed"]
    unread = (await notifications.get("/inbox/unread-count", headers=nantes.counsellor)).json()["unread"]
    marked = await notifications.post(f"/inbox/{inbox[0]['notification_id']}/read", headers=nantes.counsellor)
    assert marked.status_code == 200 and marked.json()["read"] is True
    assert (await notifications.get("/inbox/unread-count", headers=nantes.counsellor)).json()["unread"] == unread - 1
    other = await notifications.post(f"/inbox/{inbox[0]['notification_id']}/read", headers=angers.counsellor)
    assert other.status_code == 404

    # a reconnecting browser gets what it missed since the id it last saw
    async with httpx.AsyncClient(timeout=httpx.Timeout(5, read=3)) as client:
        given = await client.post(f"{base}/stream-tickets", headers=nantes.counsellor)
        frames = []
        with contextlib.suppress(httpx.ReadTimeout):
            async with client.stream(
                "GET",
                f"{base}/inbox/stream",
                params={"ticket": given.json()["ticket"]},
                headers={"Last-Event-ID": "0"},
            ) as answer:
                async for line in answer.aiter_lines():
                    if line.startswith("id: "):
                        frames.append(line[4:])
        assert inbox[0]["sequence"] in frames

    # the same event delivered again changes nothing
    before_mail = len(await mail.messages())
    before_inbox = len((await notifications.get("/inbox", headers=nantes.counsellor)).json())
    records = await read_topic(
        servers.kafka_bootstrap_servers,
        "placements.convention",
        lambda r: r.key == made["convention_id"].encode() and b'"placements.convention.confirmed"' in (r.value or b""),
    )
    assert records, "the confirmation is on the topic"
    duplicates_before = await duplicates(whole_platform.instances["notifications"])
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
    await producer.start()
    try:
        for record in records:
            await producer.send_and_wait(record.topic, record.value, key=record.key, headers=list(record.headers or ()))
    finally:
        await producer.stop()

    async def duplicate_seen() -> bool:
        return await duplicates(whole_platform.instances["notifications"]) >= duplicates_before + len(records)

    await wait_until(duplicate_seen, timeout=30, what="notifications to see the duplicate")
    assert len(await mail.messages()) == before_mail
    assert len((await notifications.get("/inbox", headers=nantes.counsellor)).json()) == before_inbox


async def test_with_the_smtp_server_down_the_e_mail_waits_and_arrives_when_it_is_back(
    profiles: httpx.AsyncClient,
    placements: httpx.AsyncClient,
    notifications: httpx.AsyncClient,
    mail: MailCatcher,
) -> None:
    nantes = await agency(profiles, "Mission locale")
    mail.process.stop()
    try:
        made = await sent_convention(profiles, placements, nantes)
        employer = made["terms"]["host"]["email"]

        async def retried() -> bool:
            emails = (await notifications.get("/operations/emails", headers=OPERATOR)).json()
            return any(e["to"] == employer and e["attempts"] >= 2 and e["status"] == "pending" for e in emails)

        await wait_until(retried, timeout=60, what="the e-mail tried twice while the SMTP server is down")
    finally:
        await mail.restart()
    [invitation] = await mail_to(mail, employer, "Confirmez l'accueil")
    emails = (await notifications.get("/operations/emails", headers=OPERATOR)).json()
    [record] = [e for e in emails if e["to"] == employer]
    assert record["status"] == "sent" and record["attempts"] >= 3
    assert invitation["message_id"] == message_id(record["email_id"])


async def test_killed_in_the_middle_of_sending_it_sends_each_e_mail_once_after_a_restart(
    profiles: httpx.AsyncClient,
    placements: httpx.AsyncClient,
    notifications: httpx.AsyncClient,
    mail: MailCatcher,
    platform: dict[str, ServiceProcess],
) -> None:
    nantes = await agency(profiles, "Mission locale")
    service = platform["notifications"]
    service.kill()
    try:
        made = [await sent_convention(profiles, placements, nantes) for _ in range(12)]
    finally:
        service.start()
    employers = {m["terms"]["host"]["email"] for m in made}

    async def sending() -> bool:
        with contextlib.suppress(httpx.HTTPError):
            emails = (await notifications.get("/operations/emails", headers=OPERATOR)).json()
            return any(e["to"] in employers and e["status"] in ("sending", "sent") for e in emails)
        return False

    await wait_until(sending, timeout=60, what="the backlog being sent")
    service.kill()  # in the middle of the batch
    service.start()
    await service.wait_ready()

    async def all_sent() -> bool:
        emails = (await notifications.get("/operations/emails", headers=OPERATOR, params={"limit": 500})).json()
        ours = [e for e in emails if e["to"] in employers]
        return len(ours) == len(employers) and all(e["status"] == "sent" for e in ours)

    await wait_until(all_sent, timeout=60, what="every employer's e-mail sent")
    caught = [m for m in await mail.messages() if set(m["to"]) & employers]
    assert sorted(address for m in caught for address in m["to"]) == sorted(employers)


async def test_a_second_instance_delivers_live_to_its_own_browsers_and_preferences_are_honoured(
    profiles: httpx.AsyncClient,
    placements: httpx.AsyncClient,
    notifications: httpx.AsyncClient,
    platform: dict[str, ServiceProcess],
    tmp_path: Path,
) -> None:
    first = platform["notifications"]
    second = ServiceProcess(first.module, free_port(), first.env, tmp_path / "notifications-2.log").start()
    try:
        await second.wait_ready()
        nantes = await agency(profiles, "Mission locale")
        async with Browser(second.url, nantes.counsellor) as browser:
            made = await sent_convention(profiles, placements, nantes)
            employer_link = await convention_link(placements, made, notifications)
            assert (await placements.post(employer_link + "/confirm")).status_code == 200

            async def pushed() -> bool:
                return any(e["subject_id"] == made["convention_id"] for e in browser.events)

            await wait_until(pushed, timeout=30, what="the confirmation pushed by the second instance")

        quiet = {"kinds": {"convention_confirmed": "none"}}
        chosen = await notifications.put("/preferences", json=quiet, headers=nantes.counsellor)
        assert chosen.status_code == 200 and chosen.json()["kinds"]["convention_confirmed"] == "none"
        assert chosen.json()["kinds"]["convention_to_validate"] == "both"  # the defaults stay
        other = await sent_convention(profiles, placements, nantes)
        assert (
            await placements.post(await convention_link(placements, other, notifications) + "/confirm")
        ).status_code == 200

        async def signature_links_sent() -> bool:
            emails = (await notifications.get("/operations/emails", headers=OPERATOR)).json()
            return any(e["to"] == other["terms"]["host"]["email"] and "Signez" in e["subject"] for e in emails)

        await wait_until(signature_links_sent, timeout=30, what="the confirmation processed")
        inbox = (await notifications.get("/inbox", headers=nantes.counsellor)).json()
        assert [n["subject_id"] for n in inbox].count(made["convention_id"]) == 1
        assert other["convention_id"] not in [n["subject_id"] for n in inbox]
    finally:
        second.stop()


async def convention_link(placements: httpx.AsyncClient, made: dict[str, Any], notifications: httpx.AsyncClient) -> str:
    """The employer's confirmation link, from the e-mail notifications wrote for them."""
    address = made["terms"]["host"]["email"]
    found = ""

    async def written() -> bool:
        nonlocal found
        for email in (await notifications.get("/operations/emails", headers=OPERATOR)).json():
            if email["to"] == address and "Confirmez" in email["subject"]:
                found = email["email_id"]
        return bool(found)

    await wait_until(written, timeout=30, what="the employer's e-mail")
    texts = (await notifications.get(f"/operations/emails/{found}", headers=OPERATOR)).json()["text"]
    url = LINK.search(texts)
    assert url is not None
    return urlsplit(url.group(1)).path


def an_email(run: str, index: int, address: str, now: datetime) -> Email:
    return Email(
        id=f"{run}.{index}",
        key=f"{run}.{index}",
        to=address,
        recipient=f"test:{index}",
        subject="Essai",
        text="Bonjour",
        kind="test",
        status=Status.PENDING,
        attempts=0,
        next_at=now,
        created_at=now,
    )


async def nowhere(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
    raise AssertionError("nothing should be dead-lettered")


async def duplicates_refused(mail: MailCatcher) -> int:
    """How many messages the catcher refused as already received (same Message-ID): a resend shows here."""
    async with httpx.AsyncClient(base_url=mail.process.url) as web:
        return int((await web.get("/messages")).json()["duplicates_refused"])


async def test_two_mailers_on_one_database_send_each_e_mail_once(servers: Servers, mail: MailCatcher) -> None:
    settings = settings_for(servers, "mailers")
    client, database = connect(settings)
    smtp = SmtpSettings("127.0.0.1", mail.smtp_port)
    emails = Emails(database)
    first, second = Mailer(emails, smtp, nowhere), Mailer(emails, smtp, nowhere)
    run = uuid.uuid4().hex[:6]
    addresses = [f"personne-{run}-{i}@exemple.fr" for i in range(20)]
    now = datetime.now(UTC)
    try:
        await create_indexes(database, INDEXES)
        for i, address in enumerate(addresses):
            assert await emails.queue(an_email(run, i, address, now))
        assert not await emails.queue(an_email(run, 0, addresses[0], now)), "queued once"
        refused_before = await duplicates_refused(mail)
        await asyncio.gather(first.send_due(now), second.send_due(now), first.send_due(now))
        stored = await database[EMAILS].find({"_id": {"$regex": f"^{run}"}}).to_list()
        assert {e["status"] for e in stored} == {"sent"} and {e["attempts"] for e in stored} == {1}
        caught = await mail.messages()
        assert sorted(a for m in caught for a in m["to"] if run in a) == sorted(addresses)
        assert await duplicates_refused(mail) == refused_before, "no e-mail was sent twice"
        for email in stored:  # the TTL index deletes them then
            assert email["purge_at"] - email["sent_at"] == timedelta(days=90)
    finally:
        await client.drop_database(settings.database_name)
        await client.close()


async def test_a_dead_senders_claim_is_taken_over_after_its_lease_and_sent_e_mails_expire(
    servers: Servers, mail: MailCatcher
) -> None:
    settings = settings_for(servers, "mailer-lease")
    client, database = connect(settings)
    smtp = SmtpSettings("127.0.0.1", mail.smtp_port)
    run = uuid.uuid4().hex[:6]
    address = f"reprise-{run}@exemple.fr"
    now = datetime.now(UTC)
    try:
        await create_indexes(database, INDEXES)
        emails = Emails(database)
        assert await emails.queue(an_email(run, 0, address, now))
        dead = Mailer(emails, smtp, nowhere, sending_lease=60)
        [due] = await emails.due(now, 200)
        assert await dead.claim(due) is not None  # ...and its process dies before the SMTP exchange
        assert await dead.claim(due) is None, "an attempt is claimed once"
        survivor = Mailer(emails, smtp, nowhere, retention=timedelta(0))
        assert (await survivor.send_due(now + timedelta(seconds=30)))["sent"] == 0, "not during the lease"
        assert (await survivor.send_due(now + timedelta(seconds=61)))["sent"] == 1, "taken over after it"
        [email] = await database[EMAILS].find({"to": address}).to_list()
        assert email["status"] == "sent" and email["attempts"] == 2
        assert [m for m in await mail.messages() if address in m["to"]] != []

        async def purged() -> bool:  # no retention for this mailer: the TTL index deletes it at once
            return await database[EMAILS].count_documents({"to": address}) == 0

        await wait_until(purged, timeout=150, what="the sent e-mail deleted by the TTL index (a job each minute)")
    finally:
        await client.drop_database(settings.database_name)
        await client.close()


async def test_the_dispatcher_applies_an_event_twice_as_once(servers: Servers) -> None:
    """Below the kit's check of processed events (a crash before it records a batch redelivers it): one
    inbox entry, one push, one e-mail per person."""
    settings = settings_for(servers, "dispatch")
    client, database = connect(settings)
    await create_indexes(database, INDEXES)
    owners = Owners("http://127.0.0.1:9", "http://127.0.0.1:9", "k" * 32)  # v1 events carry their contacts
    directory = Directory(StaffContacts(database), PeerContacts(database), ConventionContacts(database), owners)
    inbox = Inbox(InboxEntries(database), Pushes(database, OutboxWriter()))
    choices = ChannelChoices(Preferences(database))
    dispatcher = Dispatcher(directory, inbox, choices, Emails(database), Links("k" * 32, "http://console"))
    staff_id, agency_id = str(uuid.uuid4()), str(uuid.uuid4())
    try:
        registered = StaffRegisteredV1(
            staff_id=staff_id, agency_id=agency_id, name="Valérie", email="valerie@ml.fr", roles=["validator"]
        )
        await directory.staff_registered(registered, 1)
        counsellor_id = str(uuid.uuid4())
        counsellor = StaffRegisteredV1(
            staff_id=counsellor_id, agency_id=agency_id, name="Camille", email="camille@ml.fr", roles=["counsellor"]
        )
        await directory.staff_registered(counsellor, 1)
        signed = {
            "convention_id": "c1",
            "agency_id": agency_id,
            "beneficiary_id": "b1",
            "counsellor_id": counsellor_id,
            "status": "signed",
            "previous_status": "partially_signed",
            "action": "sign_last",
            "actor": "employer",
            "objective": "discover",
            "rome_code": "M1805",
            "host_siret": "73282932000074",
            "place_id": "2990969",
            "start_date": "2027-03-15",
            "end_date": "2027-04-14",
            "signed_by": "employer",
            "all_signed": True,
            "waiting_for": ["validator"],
        }
        payload = ConventionSignedV1.model_validate(signed)
        envelope = domain_event("placements", "placements.convention.signed", "convention", "c1", 5, agency_id, payload)
        await dispatcher.dispatch(envelope)
        await dispatcher.dispatch(envelope)
        entries = await database[INBOX].find({"staff_id": staff_id}).to_list()
        assert [(e["kind"], e["pushed"]) for e in entries] == [("convention_to_validate", True)]
        heard = await database[INBOX].find({"staff_id": counsellor_id}).to_list()
        assert [e["kind"] for e in heard] == ["convention_signed"], "the counsellor hears of the signature once"
        pushes = await database[PUSHES].find({}).to_list()
        assert sorted(len(p["outbox"]) for p in pushes) == [1, 1]
        emails = await database[EMAILS].find({"to": "valerie@ml.fr"}).to_list()
        assert [e["subject"] for e in emails] == ["[Parcours] Convention à valider"]
        assert await inbox.unread_count(staff_id) == 1, "counted unread once"
        assert await inbox.mark_read(staff_id, entries[0]["_id"]) is not None
        await dispatcher.dispatch(envelope)  # once more, after she read it
        assert await inbox.unread_count(staff_id) == 0, "a read entry stays read"
        assert await database[INBOX].count_documents({"staff_id": staff_id}) == 1
    finally:
        await client.drop_database(settings.database_name)
        await client.close()


def an_entry(key: str, staff_id: str, now: datetime, *, read: bool) -> InboxEntry:
    return InboxEntry(new_id(), key, staff_id, "a1", "suggestion", "Titre", "Texte", "", "s1", now, read=read)


async def test_an_inbox_pages_newest_first_and_resumes_after_the_last_entry_seen(servers: Servers) -> None:
    settings = settings_for(servers, "inbox")
    client, database = connect(settings)
    inbox = InboxEntries(database)
    now = datetime.now(UTC)
    try:
        await create_indexes(database, INDEXES)
        stored = []
        for i in range(7):
            for who in ("valerie", "other"):
                entry = an_entry(f"e{i}.{who}", who, now, read=i < 2)
                stored.append((await inbox.store(entry)).id)
        again = await inbox.store(an_entry("e3.valerie", "valerie", now, read=False))
        assert again.id == stored[6], "an event delivered again finds its entry"
        mine = stored[::2][::-1]  # newest first
        first = await inbox.page("valerie", unread_only=False, after=None, limit=3)
        second = await inbox.page("valerie", unread_only=False, after=first[-1].id, limit=3)
        third = await inbox.page("valerie", unread_only=False, after=second[-1].id, limit=3)
        assert [[e.id for e in page] for page in (first, second, third)] == [mine[:3], mine[3:6], mine[6:]]
        unread = await inbox.page("valerie", unread_only=True, after=None, limit=50)
        assert [e.id for e in unread] == mine[:5] and await inbox.unread_count("valerie") == 5
        missed = await inbox.stored_after("valerie", mine[3], limit=500)
        assert [e.id for e in missed] == mine[:3][::-1], "what came after, in the order it was stored"
        reading = Inbox(inbox, Pushes(database, OutboxWriter()))
        assert await reading.mark_read("other", mine[0]) is None, "not hers to mark"
        assert await inbox.mark_all_read("valerie") == 5 and await inbox.unread_count("valerie") == 0
        assert await inbox.unread_count("other") == 5
    finally:
        await client.drop_database(settings.database_name)
        await client.close()
