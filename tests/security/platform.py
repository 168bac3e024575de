"""The running platform as the security checks see it, and the people and records they act on.

    PlatformAccess(urls={"profiles": ..., "matching": ..., "placements": ..., "notifications": ..., "console": ...},
                   operator_token=..., link_signing_key=..., mail_url=..., log_folder=Path(...))
    async build_world(access: PlatformAccess, *, region_code: str = "44", other_region_code: str = "27") -> World

`build_world` creates, through the public APIs only, two agencies (the callers' own, `World.own`, and another
one in another region, `World.other`; regions of their own by default, so that their beneficiaries never
take other tests' region-wide peers' share of suggestion lists), each with a counsellor, a validator, an
agency admin and an account to close, a beneficiary known to matching and placements, a published
agency-only peer, an introduction of the two (with the peer's link), a convention sent to the employer (with
the employer's link, read from the caught e-mail) and an inbox entry; plus a regional coordinator of the own
agency's region. Every name, e-mail and phone it writes is unique to the run and listed in
`World.personal_data` (what must never reach a log)."""

from __future__ import annotations

import asyncio
import copy
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from services.contracts.links import PEER_INTRODUCTION, PEER_PROFILE
from services.matching.api.gatherings import EXAMPLE as GATHERING_EXAMPLE
from services.placements.api.conventions import EXAMPLE as CONVENTION_EXAMPLE
from services.profiles.api.beneficiaries import EXAMPLE as BENEFICIARY_EXAMPLE
from services.profiles.api.peer_models import PEER_EXAMPLE
from services.reference.charter import CURRENT

PASSWORD = "un-mot-de-passe-de-test-2026"
STAFF_ROLES = ("counsellor", "validator", "agency_admin")
CONVENTION_LINK = re.compile(r"/links/conventions/([^/\s]+)/([^/\s?#]+)")


@dataclass(frozen=True)
class PlatformAccess:
    """Where the running platform answers and the secrets a tester of it holds."""

    urls: dict[str, str]  # service name -> base URL: profiles, matching, placements, notifications, console
    operator_token: str
    link_signing_key: str
    mail_url: str  # the mail catcher's HTTP address (GET /messages)
    log_folder: Path | None = None  # where every service writes its log (the personal-data scan reads it)


@dataclass
class Side:
    """One agency and what the checks act on in it."""

    agency_id: str
    region_code: str
    tokens: dict[str, str]  # role -> bearer token of a staff member holding only that role
    emails: dict[str, str]  # role -> that staff member's e-mail
    closable_staff_id: str
    beneficiary_id: str
    peer_id: str
    introduction_id: str
    convention_id: str
    notification_id: str
    introduction_link: str  # the peer's token
    peer_profile_link: str  # the peer's own-profile token
    convention_link: str  # the employer's token
    testimony_id: str = ""  # a text testimony of the side's peer
    testimony_link: str = ""  # its share link's token
    gathering_id: str = ""  # a forum published by the agency (agency-wide)


@dataclass
class World:
    own: Side
    other: Side
    coordinator_token: str
    email_id: str = ""  # one e-mail notifications sent (operators' routes)
    personal_data: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)  # passwords and tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def wait_for(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 90) -> None:
    """Polls `check` until it holds (generous deadlines: the machine is shared)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.2)


def _ok(answer: httpx.Response, *codes: int) -> Any:
    if answer.status_code not in (codes or (200, 201)):
        raise AssertionError(f"{answer.request.method} {answer.request.url.path}: {answer.status_code} {answer.text}")
    return answer.json() if answer.content else None


FIXTURES = Path(__file__).parents[1] / "fixtures"
TESTIMONY_VIDEO = FIXTURES / "testimony.webm"
TESTIMONY_SUBTITLES = (FIXTURES / "testimony.vtt").read_text(encoding="utf-8")


class Builder:
    """Creates agencies, people and records through the public APIs."""

    def __init__(self, access: PlatformAccess, http: httpx.AsyncClient, run: str) -> None:
        self.access, self.http, self.run = access, http, run
        self.operator = bearer(access.operator_token)
        self.personal_data: set[str] = set()
        self.secrets: set[str] = {PASSWORD}

    def url(self, service: str, path: str) -> str:
        return self.access.urls[service].rstrip("/") + path

    def unique(self, label: str) -> str:
        return f"{label}{self.run}{uuid.uuid4().hex[:6]}"

    async def agency(self, region_code: str) -> str:
        body = {"name": f"Mission locale {self.unique('Essai')}", "kind": "mission_locale", "region_code": region_code}
        made = _ok(await self.http.post(self.url("profiles", "/agencies"), json=body, headers=self.operator))
        return str(made["agency_id"])

    async def staff(self, agency_id: str, roles: list[str]) -> tuple[str, str, str]:
        """(staff id, e-mail, token) of a new account with `roles`."""
        email = f"{self.unique('agent')}@agence.test".lower()
        name = f"Camille {self.unique('Agent')}"
        body = {"email": email, "name": name, "roles": roles, "password": PASSWORD}
        made = _ok(
            await self.http.post(self.url("profiles", f"/agencies/{agency_id}/staff"), json=body, headers=self.operator)
        )
        self.personal_data.update({email, name})
        answer = _ok(
            await self.http.post(self.url("profiles", "/auth/login"), json={"email": email, "password": PASSWORD})
        )
        token = str(answer["access_token"])
        self.secrets.add(token)
        return str(made["staff_id"]), email, token

    async def beneficiary(self, counsellor: str) -> str:
        body = copy.deepcopy(BENEFICIARY_EXAMPLE)
        last_name, phone = self.unique("Moreau"), f"06 {uuid.uuid4().int % 10**8:08d}"
        body["identity"].update({"last_name": last_name, "phone": phone})
        self.personal_data.update({last_name, phone})
        made = _ok(await self.http.post(self.url("profiles", "/beneficiaries"), json=body, headers=bearer(counsellor)))
        return str(made["beneficiary_id"])

    async def peer(self, counsellor: str) -> str:
        body = copy.deepcopy(PEER_EXAMPLE)
        last_name, email = self.unique("Benali"), f"{self.unique('pair')}@pairs.test".lower()
        body["identity"].update({"last_name": last_name, "email": email})
        body.update({"visibility": "agency", "consent_to_region": False})
        self.personal_data.update({last_name, email})
        made = _ok(await self.http.post(self.url("profiles", "/peers"), json=body, headers=bearer(counsellor)))
        charter = f"/links/peers/{self.peer_profile_link(made['peer_id'])}/charter"  # suggested once accepted
        _ok(await self.http.post(self.url("profiles", charter), json={"version": CURRENT.version}))
        return str(made["peer_id"])

    async def introduction(self, counsellor: str, beneficiary_id: str, peer_id: str) -> dict[str, Any]:
        """Waits for matching to suggest the peer, then proposes a testimony."""
        path = f"/beneficiaries/{beneficiary_id}/suggestions"

        async def suggested() -> bool:
            answer = await self.http.get(self.url("matching", path), params={"limit": 50}, headers=bearer(counsellor))
            return answer.status_code == 200 and any(s["peer_id"] == peer_id for s in answer.json())

        await wait_for(suggested, f"matching to suggest peer {peer_id}")
        message = f"Bonjour, {self.unique('message')}"
        body = {"peer_id": peer_id, "purpose": "testimony", "message": message, "beneficiary_agreed": True}
        made = _ok(
            await self.http.post(
                self.url("matching", f"/beneficiaries/{beneficiary_id}/introductions"),
                json=body,
                headers=bearer(counsellor),
            )
        )
        return dict(made)

    def introduction_link(self, introduction: dict[str, Any]) -> str:
        expires = datetime.fromisoformat(str(introduction["expires_at"]).replace("Z", "+00:00"))
        expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
        token = PEER_INTRODUCTION.token(
            self.access.link_signing_key, introduction["introduction_id"], PEER_INTRODUCTION.expires_at(expires)
        )
        self.secrets.add(token)
        return token

    async def testimony(self, counsellor: str, peer_id: str, beneficiary_id: str) -> tuple[str, str]:
        """A video testimony of the peer (the tests' small WebM, with subtitles), with their consent, shared
        with the beneficiary: (its id, the share link's token)."""
        consent = self.url("profiles", f"/peers/{peer_id}/testimony-consent")
        _ok(await self.http.post(consent, json={"given": True}, headers=bearer(counsellor)))
        body = {"format": "video", "title": "Mon parcours", "jobs": ["M1805"], "subtitles": TESTIMONY_SUBTITLES}
        made = await self.http.post(
            self.url("profiles", f"/peers/{peer_id}/testimonies"), json=body, headers=bearer(counsellor)
        )
        testimony_id = str(_ok(made, 201)["testimony_id"])
        media = self.url("profiles", f"/testimonies/{testimony_id}/media")
        _ok(await self.http.put(media, content=TESTIMONY_VIDEO.read_bytes(), headers=bearer(counsellor)))
        shared = await self.http.post(
            self.url("profiles", f"/testimonies/{testimony_id}/shares"),
            json={"beneficiary_id": beneficiary_id, "days": 7},
            headers=bearer(counsellor),
        )
        token = str(_ok(shared, 201)["token"])
        self.secrets.add(token)
        return testimony_id, token

    def peer_profile_link(self, peer_id: str) -> str:
        token = PEER_PROFILE.token(self.access.link_signing_key, peer_id, PEER_PROFILE.expires_at(datetime.now(UTC)))
        self.secrets.add(token)
        return token

    async def convention(self, counsellor: str, beneficiary_id: str) -> tuple[str, str]:
        """A convention sent to the employer: (its id, the employer's link token from the caught e-mail)."""
        body = copy.deepcopy(CONVENTION_EXAMPLE)
        start = (datetime.now(UTC) + timedelta(days=60)).date()
        body.update(
            {"beneficiary_id": beneficiary_id, "start_date": str(start), "end_date": str(start + timedelta(days=20))}
        )
        last_name, email = self.unique("Moreau"), f"{self.unique('accueil')}@entreprise.test".lower()
        tutor = f"{self.unique('tuteur')}@entreprise.test".lower()
        body["beneficiary"].update({"last_name": last_name, "email": f"{self.unique('usager')}@usagers.test".lower()})
        body["host"].update({"email": email, "contact_name": f"Claire {self.unique('Dupont')}"})
        body["tutor"].update({"email": tutor, "name": f"Marc {self.unique('Leroy')}"})
        self.personal_data.update(
            {last_name, email, tutor, body["beneficiary"]["email"], body["host"]["contact_name"], body["tutor"]["name"]}
        )
        made: dict[str, Any] = {}

        async def drafted() -> bool:
            nonlocal made
            answer = await self.http.post(self.url("placements", "/conventions"), json=body, headers=bearer(counsellor))
            if answer.status_code == 404 and "beneficiary" in answer.text:
                return False  # placements has not heard of the beneficiary yet
            made = _ok(answer, 201)
            return True

        await wait_for(drafted, "placements to know the beneficiary")
        convention_id = str(made["convention_id"])
        _ok(
            await self.http.post(
                self.url("placements", f"/conventions/{convention_id}/send"), headers=bearer(counsellor)
            )
        )
        token = await self.mailed_link(email, convention_id)
        return convention_id, token

    async def mailed_link(self, address: str, convention_id: str, other_than: str = "") -> str:
        """The latest link to `convention_id` e-mailed to `address` (other than `other_than`)."""
        found = ""

        async def arrived() -> bool:
            nonlocal found
            messages = (await self.http.get(self.access.mail_url.rstrip("/") + "/messages")).json()["messages"]
            for message in messages:
                match = CONVENTION_LINK.search(message["text"])
                if address in message["to"] and match and match.group(1) == convention_id:
                    found = match.group(2) if match.group(2) != other_than else found
            return bool(found)

        await wait_for(arrived, f"the e-mail to {address}")
        self.secrets.add(found)
        return found

    async def inbox_entry(self, token: str) -> str:
        found = ""

        async def arrived() -> bool:
            nonlocal found
            answer = await self.http.get(self.url("notifications", "/inbox"), headers=bearer(token))
            entries = answer.json() if answer.status_code == 200 else []
            found = str(entries[0]["notification_id"]) if entries else ""
            return bool(found)

        await wait_for(arrived, "an entry in the counsellor's inbox")
        return found

    async def gathering(self, counsellor: str) -> str:
        starts = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
        body = {**GATHERING_EXAMPLE, "visibility": "agency", "starts_at": starts.isoformat()}
        body["ends_at"] = (starts + timedelta(hours=3)).isoformat()
        answer = await self.http.post(self.url("matching", "/gatherings"), json=body, headers=bearer(counsellor))
        return str(_ok(answer, 201)["gathering_id"])

    async def side(self, region_code: str) -> Side:
        agency_id = await self.agency(region_code)
        tokens, emails = {}, {}
        for role in STAFF_ROLES:
            _, emails[role], tokens[role] = await self.staff(agency_id, [role])
        closable, _, _ = await self.staff(agency_id, ["counsellor"])
        counsellor = tokens["counsellor"]
        beneficiary_id = await self.beneficiary(counsellor)
        peer_id = await self.peer(counsellor)
        introduction = await self.introduction(counsellor, beneficiary_id, peer_id)
        convention_id, convention_link = await self.convention(counsellor, beneficiary_id)
        testimony_id, testimony_link = await self.testimony(counsellor, peer_id, beneficiary_id)
        return Side(
            agency_id=agency_id,
            region_code=region_code,
            tokens=tokens,
            emails=emails,
            closable_staff_id=closable,
            beneficiary_id=beneficiary_id,
            peer_id=peer_id,
            introduction_id=str(introduction["introduction_id"]),
            convention_id=convention_id,
            notification_id=await self.inbox_entry(counsellor),
            introduction_link=self.introduction_link(introduction),
            peer_profile_link=self.peer_profile_link(peer_id),
            convention_link=convention_link,
            testimony_id=testimony_id,
            testimony_link=testimony_link,
            gathering_id=await self.gathering(counsellor),
        )


async def build_world(access: PlatformAccess, *, region_code: str = "44", other_region_code: str = "27") -> World:
    async with httpx.AsyncClient(timeout=30) as http:
        builder = Builder(access, http, uuid.uuid4().hex[:4])
        own, other = await asyncio.gather(builder.side(region_code), builder.side(other_region_code))
        own_agency = own.agency_id
        _, _, coordinator = await builder.staff(own_agency, ["regional_coordinator"])
        listed = await http.get(
            builder.url("notifications", "/operations/emails"), params={"limit": 1}, headers=builder.operator
        )
        email_id = str(_ok(listed)[0]["email_id"])
        return World(own, other, coordinator, email_id, builder.personal_data, builder.secrets)
