"""Personal data in logs: a whole flow through the public APIs, then every service log searched for the
flow's e-mails, phones, names, passwords, bearer tokens and link tokens.

    async run_personal_data_scan(access: PlatformAccess) -> PersonalDataReport   (needs access.log_folder)
    scan_logs(folder: Path, needles: dict[str, str]) -> list[Leak]              (value -> what it is)

The flow: staff accounts sign in; a counsellor registers a beneficiary and a peer; matching suggests the
peer and the counsellor proposes an introduction, which the peer accepts from the link of their e-mail
(through the console, as their phone would); a convention is written and sent, the employer opens it and
confirms from the e-mailed link, then the employer and the beneficiary sign from theirs; a browser opens
the live stream through the console; notifications sends the e-mails. Every value the flow wrote is made
unique to the run, so a hit can only be this flow's data. A leak is reported with its file and line
number and the kind of datum, never the datum itself."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.security.platform import PASSWORD, Builder, PlatformAccess, bearer, wait_for


@dataclass(frozen=True)
class Leak:
    file: str
    line: int
    kind: str  # "personal datum", "password", "staff token", "link token"


@dataclass
class PersonalDataReport:
    scanned_files: int = 0
    needles: int = 0
    leaks: list[Leak] = field(default_factory=list)

    @property
    def pii_in_logs(self) -> int:
        return len(self.leaks)


def scan_logs(folder: Path, needles: dict[str, str]) -> tuple[int, list[Leak]]:
    files = sorted(p for p in folder.rglob("*.log") if p.is_file())
    lowered = {value.lower(): kind for value, kind in needles.items() if len(value) >= 6}
    leaks: list[Leak] = []
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            text = line.lower()
            leaks.extend(Leak(path.name, number, kind) for value, kind in lowered.items() if value in text)
    return len(files), leaks


async def _flow(access: PlatformAccess, builder: Builder, http: httpx.AsyncClient) -> dict[str, str]:
    """Runs the flow; returns value -> kind for everything it must not find in a log."""
    console = access.urls["console"].rstrip("/")
    side = await builder.side("32")  # a region of its own: its beneficiary takes no one else's peers
    counsellor = side.tokens["counsellor"]
    answered = await http.post(
        f"{console}/api/matching/links/introductions/{side.introduction_link}/answer", json={"accept": True}
    )
    assert answered.status_code == 200, answered.text
    convention, employer_link = side.convention_id, side.convention_link
    opened = await http.get(f"{console}/api/placements/links/conventions/{convention}/{employer_link}")
    assert opened.status_code == 200, opened.text
    confirmed = await http.post(f"{console}/api/placements/links/conventions/{convention}/{employer_link}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    read = await http.get(f"{access.urls['placements']}/conventions/{convention}", headers=bearer(counsellor))
    for role in ("employer", "beneficiary"):
        terms = read.json()["terms"]
        address = terms["host"]["email"] if role == "employer" else terms["beneficiary"]["email"]
        token = await builder.mailed_link(address, convention, other_than=employer_link)
        signed = await http.post(f"{console}/api/placements/links/conventions/{convention}/{token}/sign")
        assert signed.status_code == 200, signed.text
    ticket = await _open_stream(http, f"{console}/api/notifications/inbox/stream", counsellor)
    kinds = {value: "personal datum" for value in builder.personal_data}
    kinds[ticket] = "stream ticket"
    kinds.update({token: "staff token" for token in side.tokens.values()})
    kinds.update(
        {
            link: "link token"
            for link in (side.introduction_link, side.peer_profile_link, *builder.secrets - set(side.tokens.values()))
        }
    )
    kinds[PASSWORD] = "password"
    return kinds


async def _open_stream(http: httpx.AsyncClient, url: str, token: str) -> str:
    """The console's way: a single-use ticket asked for with the token, then an EventSource with the ticket
    in its query (the ticket, as any token in a URL, must not reach a log), read until connected."""
    tickets = url.replace("/inbox/stream", "/stream-tickets")
    asked = await http.post(tickets, headers={"Authorization": f"Bearer {token}"})
    assert asked.status_code == 201, asked.text
    ticket = str(asked.json()["ticket"])
    async with http.stream("GET", url, params={"ticket": ticket}) as answer:
        assert answer.status_code == 200
        with contextlib.suppress(httpx.ReadTimeout):
            async for line in answer.aiter_lines():
                if line.startswith(": connected"):
                    break
    return ticket


async def run_personal_data_scan(access: PlatformAccess) -> PersonalDataReport:
    assert access.log_folder is not None, "the platform's log folder is needed"
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=30)) as http:
        builder = Builder(access, http, "pii")
        needles = await _flow(access, builder, http)

        async def e_mails_sent() -> bool:
            messages = (await http.get(access.mail_url.rstrip("/") + "/messages")).json()["messages"]
            recipients = {address for message in messages for address in message["to"]}
            return sum(1 for value in builder.personal_data if value in recipients) >= 3

        await wait_for(e_mails_sent, "the flow's e-mails")
    files, leaks = scan_logs(access.log_folder, needles)
    return PersonalDataReport(scanned_files=files, needles=len(needles), leaks=leaks)
