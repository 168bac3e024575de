"""Words, not codes, on the running platform: the answers carry the labels of the ROME, NAF and place codes
they hold; the console shows the words (the code, if at all, after them in small print) on the beneficiary's
page, a suggestion card with the peer's path, the peer's page, the convention and the introductions; and a
caught e-mail is HTML with its plain-text part, in the agency's name."""

from __future__ import annotations

import re
import uuid
from email.headerregistry import Address
from email.utils import parseaddr
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from services.profiles.api.peer_models import PEER_EXAMPLE
from services.reference import labels
from tests.integration import test_console
from tests.integration.conftest import MailCatcher
from tests.integration.support import ServiceProcess, accept_charter, wait_until
from tests.integration.test_console import Team, accessible, as_agency, shoot, signed_in, team
from tests.integration.test_notifications import mail_to
from tests.integration.test_placements import convention, created, new_beneficiary, step
from tests.integration.test_profiles_staff_api import as_operator

pytestmark = pytest.mark.integration
browser, console = test_console.browser, test_console.console  # the browser tests' fixtures, shared
# a region of their own (Nouvelle-Aquitaine): the region-wide peers of other files' tests, all with the same
# path, would otherwise fill the top lists these tests wait on
REGION = "75"

ROME = re.compile(r"\b[A-N]\d{4}\b")
SMALL_PRINT = re.compile(r"⟨([^⟩]*)⟩")
# the page's words, each code in small print marked ⟨…⟩ (hidden parts included: a path folded away counts)
PAGE_TEXT = """() => {
  const copy = document.querySelector("main").cloneNode(true);
  copy.querySelectorAll("small.code").forEach((node) => node.replaceWith(`⟨${node.textContent}⟩`));
  copy.querySelectorAll("input, textarea, select").forEach((node) => node.replaceWith(` ${node.value || ""} `));
  return copy.textContent;
}"""


def bare_codes(text: str, place_ids: set[str]) -> list[str]:
    """The codes a person would read without their words: a ROME code whose label does not come just
    before it, a code in small print that follows no label, a place id shown at all."""
    found = []
    for match in ROME.finditer(text):
        before = text[max(0, match.start() - 120) : match.start()]
        if labels.job(match.group()) not in before:
            found.append(f"ROME {match.group()} in {text[max(0, match.start() - 40) : match.end() + 10]!r}")
    for match in SMALL_PRINT.finditer(text):
        code, before = match.group(1), text[max(0, match.start() - 120) : match.start()]
        word = labels.job(code) if ROME.fullmatch(code) else labels.sector(code)
        if word == code or word not in before:
            found.append(f"small print {code!r} after {before[-40:]!r}")
    found += [f"place id {place}" for place in place_ids if place in text]
    if re.search(r"\bNAF\s*\d", text):
        found.append("a NAF code")
    return found


async def words_only(page: Page, place_ids: set[str]) -> str:
    text = str(await page.evaluate(PAGE_TEXT))
    assert not bare_codes(text, place_ids), bare_codes(text, place_ids)
    return text


def regional_peer(surname: str) -> dict[str, Any]:
    identity = {**PEER_EXAMPLE["identity"], "last_name": surname, "email": f"{uuid.uuid4().hex[:8]}@example.org"}
    return {**PEER_EXAMPLE, "visibility": "region", "consent_to_region": True, "identity": identity}


async def published_peer(profiles: httpx.AsyncClient, members: Team, surname: str) -> dict[str, Any]:
    answer = await profiles.post("/peers", json=regional_peer(surname), headers=members.counsellor.headers)
    assert answer.status_code == 201, answer.text
    await accept_charter(profiles, answer.json()["peer_id"])
    return dict(answer.json())


async def test_answers_carry_the_labels_of_their_codes(
    profiles: httpx.AsyncClient, matching: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    members = await team(profiles, "Mission locale", REGION)
    peer = await published_peer(profiles, members, f"Label{uuid.uuid4().hex[:4]}")
    assert peer["labels"]["jobs"] == {
        "D1106": "Vendeur / Vendeuse en épicerie",
        "M1805": "Développeur / Développeuse informatique",
    }
    assert peer["labels"]["sectors"]["62"].startswith("Programmation, conseil")
    assert peer["labels"]["places"]["2990969"] == "Nantes"

    beneficiary_id = await new_beneficiary(profiles, as_agency(members))
    record = (await profiles.get(f"/beneficiaries/{beneficiary_id}", headers=members.counsellor.headers)).json()
    assert record["labels"]["jobs"]["M1805"] == "Développeur / Développeuse informatique"
    assert record["labels"]["places"][record["project"]["place_id"]] == "Nantes"
    listed = (await profiles.get("/beneficiaries", headers=members.counsellor.headers)).json()
    assert all(b["labels"]["jobs"] for b in listed)
    words = await profiles.get(
        "/reference/labels",
        params=[("jobs", "M1855"), ("sectors", "62"), ("places", "3037656"), ("jobs", "Z9999")],
        headers=members.counsellor.headers,
    )
    assert words.json()["jobs"] == {"M1855": "Développeur / Développeuse web", "Z9999": "Z9999"}
    assert words.json()["places"] == {"3037656": "Angers"}
    place = await profiles.get("/reference/places/3037656", headers=members.counsellor.headers)
    assert place.json()["name"] == "Angers"
    assert (await profiles.get("/reference/places/0", headers=members.counsellor.headers)).status_code == 404

    made = await created(placements, as_agency(members), convention(beneficiary_id))
    assert made["labels"]["jobs"] == {"M1805": "Développeur / Développeuse informatique"}
    assert made["labels"]["places"] == {"2990969": "Nantes"}

    cards: list[dict[str, Any]] = []

    async def suggested() -> bool:
        nonlocal cards
        answer = await matching.get(f"/beneficiaries/{beneficiary_id}/suggestions", headers=members.counsellor.headers)
        cards = [c for c in answer.json() if c["peer_id"] == peer["peer_id"]] if answer.status_code == 200 else []
        return bool(cards)

    await wait_until(suggested, timeout=60, what="the peer suggested")
    [card] = cards
    assert card["town"] == "Nantes" and card["distance_km"] == 0
    assert card["meeting_modes"] == ["in_person", "company_visit", "video"]
    assert "note" in card and any("Développeur / Développeuse informatique (M1805)" in r for r in card["reasons"])

    proposal = {"peer_id": peer["peer_id"], "purpose": "job_inquiry", "message": "Pour une enquête métier."}
    introduction = await matching.post(
        f"/beneficiaries/{beneficiary_id}/introductions", json=proposal, headers=members.counsellor.headers
    )
    assert introduction.status_code == 201, introduction.text
    assert introduction.json()["labels"]["jobs"] == {"M1805": "Développeur / Développeuse informatique"}


class Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.words.append(data)


async def test_a_caught_e_mail_has_both_parts_and_comes_in_the_agencys_name(
    profiles: httpx.AsyncClient,
    placements: httpx.AsyncClient,
    mail: MailCatcher,
    platform: dict[str, ServiceProcess],
) -> None:
    members = await team(profiles, "Mission locale", REGION)
    agency_name = next(
        a["name"]
        for a in (await profiles.get("/agencies", headers=as_operator())).json()
        if a["agency_id"] == members.agency_id
    )

    async def known() -> bool:  # the agency's name reaches notifications from profiles' events
        async with httpx.AsyncClient(base_url=platform["notifications"].url, timeout=10) as notifications:
            agencies = (await notifications.get("/directory/agencies", headers=as_operator())).json()
        return any(a["agency_id"] == members.agency_id for a in agencies)

    await wait_until(known, timeout=60, what="notifications to know the agency")
    body = convention(await new_beneficiary(profiles, as_agency(members)))
    body["host"] = {**body["host"], "email": f"accueil-{uuid.uuid4().hex[:6]}@entreprise.test"}
    made = await created(placements, as_agency(members), body)
    await step(placements, members.counsellor.headers, made["convention_id"], "send")

    [caught] = await mail_to(mail, body["host"]["email"], "Confirmez l'accueil")
    assert caught["content_type"] == "multipart/alternative"
    name, address = parseaddr(caught["from"])
    assert name == agency_name and address == "ne-pas-repondre@parcours.test", caught["from"]
    assert Address(display_name=name, addr_spec=address).display_name == agency_name
    link = re.search(r"(https?://\S+/links/conventions/\S+)", caught["text"])
    assert link is not None, caught["text"]
    shown = Reader()
    shown.feed(caught["html"])
    words = " ".join(" ".join(shown.words).split())
    assert link.group(1) in shown.hrefs and "http" not in words and "/links/" not in words
    assert "Confirmer ou refuser" in words and agency_name in words
    assert "Vous recevez ce message parce que vous représentez l'entreprise d'accueil" in words
    assert re.search(r"Lien valable jusqu'au (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d", words), words


async def test_the_console_shows_words_not_codes(
    browser: Browser,
    console: str,
    profiles: httpx.AsyncClient,
    matching: httpx.AsyncClient,
    placements: httpx.AsyncClient,
) -> None:
    members = await team(profiles, "Mission locale", REGION)
    surname = f"Mots{uuid.uuid4().hex[:4]}"
    peer = await published_peer(profiles, members, surname)
    beneficiary_id = await new_beneficiary(profiles, as_agency(members))
    made = await created(placements, as_agency(members), convention(beneficiary_id))
    ids = {"2990969"}  # Nantes: the beneficiary's, the peer's and the host's town

    page = await signed_in(browser, console, members.counsellor)
    await page.goto(f"/console/beneficiaries/{beneficiary_id}")
    await expect(page.get_by_text("Métier visé : Développeur / Développeuse informatique")).to_be_visible()
    await expect(page.get_by_text("Commune : Nantes")).to_be_visible()
    card = page.locator("#suggestions li.card").filter(has_text=surname)
    await expect(card).to_be_visible(timeout=60_000)
    await expect(card.locator(".where")).to_have_text(re.compile(r"^Nantes · à 0 km · En personne"))
    await card.get_by_role("button", name="Voir son parcours").click()
    path = card.get_by_role("list", name="Parcours vécu")
    await expect(path.get_by_role("listitem").first).to_contain_text("Vendeur / Vendeuse en épicerie")
    await expect(path.get_by_role("listitem").last).to_contain_text("Programmation, conseil")
    await words_only(page, ids)
    await shoot(page, "labels-beneficiary")
    await accessible(page)

    await page.goto(f"/console/peers/{peer['peer_id']}")
    await expect(page.get_by_role("list", name="Parcours vécu").get_by_role("listitem")).to_have_count(3)
    await words_only(page, ids)
    await shoot(page, "labels-peer-path")

    await page.goto(f"/console/conventions/{made['convention_id']}")
    await expect(page.get_by_text("Développeur / Développeuse informatique")).to_be_visible()
    await words_only(page, ids)
    await shoot(page, "labels-convention")

    await page.goto(f"/console/beneficiaries/{beneficiary_id}/edit")
    await expect(page.get_by_label("Commune de résidence")).to_have_value("Nantes (Pays de la Loire)")
    await expect(page.get_by_label("Métier visé (fiche ROME)")).to_have_value(
        "Développeur / Développeuse informatique (M1805)"
    )
    await shoot(page, "labels-beneficiary-form")

    proposal = {"peer_id": peer["peer_id"], "purpose": "testimony", "message": "Un témoignage."}
    answer = await matching.post(
        f"/beneficiaries/{beneficiary_id}/introductions", json=proposal, headers=members.counsellor.headers
    )
    assert answer.status_code == 201, answer.text
    await page.goto("/console/introductions")
    await expect(
        page.locator("li.card").filter(has_text="Développeur / Développeuse informatique").first
    ).to_be_visible()
    await words_only(page, ids)
    await shoot(page, "labels-introductions")
    await page.context.close()
