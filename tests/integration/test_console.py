"""The web console in a real headless Chromium against the running platform (the four services and the
console as processes, real Kafka and FerretDB, a real SMTP server): what a counsellor, an employer, a
tutor and a regional coordinator see and do (the dashboard in test_console_dashboard.py). The tests save
screenshots of the main pages (desktop and phone) in docs/screenshots and run axe-core on them: no serious
or critical violation."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright, expect

from services.profiles.api.peer_models import PEER_EXAMPLE
from tests.integration.conftest import MailCatcher
from tests.integration.support import ServiceProcess, accept_charter, wait_until
from tests.integration.test_notifications import mail_to
from tests.integration.test_placements import convention, created, new_beneficiary
from tests.integration.test_profiles_beneficiaries_api import Agency
from tests.integration.test_profiles_staff_api import PASSWORD, as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LINK = re.compile(r"(https?://\S+/links/conventions/\S+)")


def chromium_path() -> str:
    found = os.environ.get("PARCOURS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package (scripts in deploy/local)")
    return found


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
def console(platform: dict[str, ServiceProcess]) -> str:
    return platform["console"].url


@dataclass
class Person:
    """A staff member who signs in with e-mail and password, as in the browser."""

    email: str
    headers: dict[str, str]


@dataclass
class Team:
    agency_id: str
    counsellor: Person
    validator: Person


# the browser tests' agencies are in another region (Bretagne), so the region-wide peers they publish
# never enter the suggestions that the other integration tests of region 52 count
REGION = "53"


async def team(profiles: httpx.AsyncClient, name: str, region: str = REGION) -> Team:
    created = await profiles.post(
        "/agencies",
        json={"name": f"{name} {uuid.uuid4().hex[:12]}", "kind": "mission_locale", "region_code": region},
        headers=as_operator(),
    )
    assert created.status_code == 201, created.text
    agency_id = str(created.json()["agency_id"])
    people = []
    for roles in (["counsellor"], ["validator"]):
        email = await new_staff(profiles, agency_id, roles, as_operator())
        people.append(Person(email, bearer(await login(profiles, email))))
    return Team(agency_id, *people)


def as_agency(members: Team) -> Agency:
    return Agency(members.agency_id, members.counsellor.headers, members.validator.headers)


async def signed_in(
    browser: Browser,
    console: str,
    who: Person,
    viewport: dict[str, int] = DESKTOP,
    lands: str = "/console/beneficiaries",  # where the role's work is (static/roles.js)
) -> Page:
    context = await browser.new_context(viewport=viewport, base_url=console, locale="fr-FR")
    page = await context.new_page()
    await page.goto("/console/login")
    await page.get_by_label("Adresse e-mail").fill(who.email)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(f"**{lands}")
    await expect(page.locator("#unread")).to_have_text(re.compile(r"^\d+$"))
    return page


async def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def accessible(page: Page) -> None:
    results = await Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{page.url}: {serious}"


async def pick(page: Page, label: str, typed: str, wanted: str) -> None:
    """An autocomplete field: type, wait for the list, choose the entry that contains `wanted`."""
    box = page.get_by_label(label)
    await box.fill(typed)
    options = page.locator(f"datalist#{await box.get_attribute('list')} option")
    await expect(
        options.filter(has_text=wanted).or_(options.and_(page.locator(f"[value*='{wanted}']"))).first
    ).to_be_attached()
    value = await options.evaluate_all(f"(all) => all.map(o => o.value).find(v => v.includes({wanted!r}))")
    await box.fill(value)


def regional_peer(last_name: str = "Benali") -> dict[str, Any]:
    identity = {**PEER_EXAMPLE["identity"], "last_name": last_name, "email": f"{uuid.uuid4().hex[:8]}@example.org"}
    return {**PEER_EXAMPLE, "visibility": "region", "consent_to_region": True, "identity": identity}


async def test_a_counsellor_logs_in_creates_a_beneficiary_and_sees_suggestions_with_reasons(
    browser: Browser, console: str, profiles: httpx.AsyncClient
) -> None:
    nantes = await team(profiles, "Mission locale")
    surname = f"Benali{uuid.uuid4().hex[:4]}"
    published = await profiles.post(
        "/peers",
        json=regional_peer(surname),
        headers=nantes.counsellor.headers,
    )
    assert published.status_code == 201, published.text
    await accept_charter(profiles, published.json()["peer_id"])

    login_page = await (await browser.new_context(viewport=PHONE, base_url=console)).new_page()
    await login_page.goto("/console/login")
    await expect(login_page).to_have_title("Connexion · Parcours")
    await shoot(login_page, "login-phone")
    await accessible(login_page)

    page = await signed_in(browser, console, nantes.counsellor)
    await page.get_by_role("link", name="Nouveau bénéficiaire").click()
    await expect(page).to_have_title("Nouveau bénéficiaire · Parcours")
    await page.get_by_role("button", name="Créer le bénéficiaire").click()
    first_name = page.get_by_label("Prénom")
    await expect(first_name).to_have_attribute("aria-invalid", "true")
    await expect(page.locator(f"#{await first_name.get_attribute('id')}-error")).to_be_visible()
    await accessible(page)

    await first_name.fill("Inès")
    await page.get_by_label("Nom", exact=True).fill(f"Moreau{uuid.uuid4().hex[:4]}")
    await page.get_by_label("Année de naissance").fill("2001")
    await pick(page, "Métier visé (fiche ROME)", "développeur", "M1805")
    await pick(page, "Commune de résidence", "Nantes", "Nantes")
    await page.get_by_label("En visio").check()
    await page.get_by_label("La personne accepte d'être mise en relation avec des pairs").check()
    await shoot(page, "beneficiary-form-desktop")
    await page.get_by_role("button", name="Créer le bénéficiaire").click()

    await page.wait_for_url(re.compile(r"/console/beneficiaries/[0-9a-f-]{36}$"))
    suggestion = page.locator("#suggestions li.card").filter(has_text=surname)
    await expect(suggestion).to_be_visible(timeout=30_000)
    reasons = suggestion.get_by_role("list", name="Pourquoi ce pair")
    await expect(reasons.get_by_role("listitem").nth(1)).to_be_visible()  # at least two reasons
    await suggestion.get_by_role("button", name="Voir son parcours").click()
    await expect(suggestion.get_by_role("list", name="Parcours vécu").get_by_role("listitem")).to_have_count(3)
    await shoot(page, "beneficiary-suggestions-desktop")
    await accessible(page)

    await suggestion.get_by_role("button", name="Proposer une rencontre").click()
    await suggestion.get_by_label("Message pour le pair").fill("Inès aimerait comprendre votre reconversion.")
    await suggestion.get_by_label("La personne accompagnée est d'accord pour rencontrer ce pair").check()
    await suggestion.get_by_role("button", name="Envoyer la demande").click()
    await expect(suggestion.get_by_text("Demande envoyée")).to_be_visible()
    await page.get_by_role("link", name="Mises en relation").first.click()
    await expect(page.locator("li.card").filter(has_text="En attente de réponse").first).to_be_visible()
    await shoot(page, "introductions-desktop")
    await page.context.close()


async def test_a_peer_published_by_another_agency_appears_live_in_the_counsellors_notifications(
    browser: Browser, console: str, profiles: httpx.AsyncClient, platform: dict[str, ServiceProcess]
) -> None:
    nantes, angers = await team(profiles, "Mission locale"), await team(profiles, "France Travail")
    person = await new_beneficiary(profiles, as_agency(nantes))
    mine = await signed_in(browser, console, nantes.counsellor)
    theirs = await signed_in(browser, console, angers.counsellor)
    await mine.goto(f"/console/beneficiaries/{person}")
    await expect(mine.locator("#suggestions h2")).to_be_visible()

    published = await profiles.post("/peers", json=regional_peer(), headers=angers.counsellor.headers)
    assert published.status_code == 201, published.text
    await accept_charter(profiles, published.json()["peer_id"])

    toast = mine.locator("#toasts .toast").filter(has_text=re.compile(r"nouveaux? pairs? pour Inès Moreau"))
    await expect(toast).to_be_visible(timeout=30_000)
    # a new group, or the day's group grown and unread again: either way something to read
    await expect(mine.locator("#unread")).not_to_have_text("0")
    await expect(mine.locator("#suggestions li.card").first).to_be_visible()  # the list refreshed by itself
    await shoot(mine, "live-notification-desktop")
    await mine.locator("#bell").click()
    panel = mine.locator("#inbox-panel")
    await expect(panel.get_by_role("link", name=re.compile(r"nouveaux? pairs? pour Inès Moreau")).first).to_be_visible()
    await accessible(mine)
    await panel.get_by_role("button", name="Tout marquer comme lu").click()
    await expect(mine.locator("#unread")).to_have_text("0")
    await mine.reload()
    await expect(mine.locator("#unread")).to_have_text("0")  # stored, not only shown
    async with httpx.AsyncClient(base_url=platform["notifications"].url, timeout=10) as notifications:
        heard = (await notifications.get("/inbox", headers=angers.counsellor.headers)).json()
    assert all(n["subject_id"] != person for n in heard), "the other agency hears nothing of our beneficiary"
    assert await theirs.locator("#toasts .toast").filter(has_text="nouveau pair").count() == 0
    await mine.context.close()
    await theirs.context.close()


async def test_an_employer_confirms_on_a_phone_from_the_e_mail_and_the_counsellor_sees_it_live(
    browser: Browser, console: str, profiles: httpx.AsyncClient, placements: httpx.AsyncClient, mail: MailCatcher
) -> None:
    nantes = await team(profiles, "Mission locale")
    body = convention(await new_beneficiary(profiles, as_agency(nantes)))
    body["host"] = {**body["host"], "email": f"accueil-{uuid.uuid4().hex[:6]}@entreprise.test"}
    made = await created(placements, as_agency(nantes), body)
    counsellor = await signed_in(browser, console, nantes.counsellor)
    await counsellor.goto("/console/conventions")
    await expect(counsellor.get_by_role("heading", name=re.compile(r"^Brouillons \(1\)"))).to_be_visible()
    await shoot(counsellor, "conventions-board-desktop")
    await accessible(counsellor)
    await counsellor.goto(f"/console/conventions/{made['convention_id']}")
    await counsellor.get_by_role("button", name="Envoyer à l'entreprise d'accueil").click()
    await expect(counsellor.get_by_text("En attente de : Entreprise d'accueil")).to_be_visible()

    [invitation] = await mail_to(mail, body["host"]["email"], "Confirmez l'accueil")
    url = LINK.search(invitation["text"])
    assert url is not None and url.group(1).startswith(console), invitation["text"]
    phone = await (
        await browser.new_context(viewport=PHONE, base_url=console, is_mobile=True, has_touch=True)
    ).new_page()
    await phone.goto(url.group(1))
    await expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Convention d'immersion chez {body['host']['name']}"
    )
    await expect(phone.get_by_text("Développeur / Développeuse informatique")).to_be_visible()
    await shoot(phone, "employer-link-phone")
    await accessible(phone)
    await phone.get_by_role("button", name="Je confirme accueillir cette immersion").click()
    await expect(phone.get_by_text("Merci, c'est enregistré.")).to_be_visible()
    await expect(phone.get_by_text("Confirmée par l'entreprise")).to_be_visible()

    toast = counsellor.locator("#toasts .toast").filter(has_text="confirm")
    await expect(toast).to_be_visible(timeout=30_000)
    await expect(counsellor.get_by_text("Confirmée par l'entreprise").first).to_be_visible()
    await counsellor.context.close()
    await phone.context.close()


PEER_LINKS = re.compile(r"(https?://\S+/links/(?:introductions|peers)/\S+)")


async def test_a_peer_answers_on_a_phone_then_pauses_and_sets_their_capacity_from_their_own_link(
    browser: Browser,
    console: str,
    profiles: httpx.AsyncClient,
    matching: httpx.AsyncClient,
    mail: MailCatcher,
) -> None:
    nantes = await team(profiles, "Mission locale")
    body = regional_peer(f"Pair{uuid.uuid4().hex[:4]}")
    published = await profiles.post("/peers", json=body, headers=nantes.counsellor.headers)
    assert published.status_code == 201, published.text
    peer_id = published.json()["peer_id"]
    await accept_charter(profiles, peer_id)
    beneficiary_id = await new_beneficiary(profiles, as_agency(nantes))
    proposal = {
        "peer_id": peer_id,
        "purpose": "testimony",
        "message": "Elle hésite entre deux métiers.",
        "beneficiary_agreed": True,
    }

    async def proposed() -> bool:
        url = f"/beneficiaries/{beneficiary_id}/introductions"
        answer = await matching.post(url, json=proposal, headers=nantes.counsellor.headers)
        assert answer.status_code in (201, 404), answer.text  # 404 until matching knows the beneficiary
        return answer.status_code == 201

    await wait_until(proposed, timeout=60, what="the introduction proposed")
    counsellor = await signed_in(browser, console, nantes.counsellor)
    await counsellor.goto("/console/introductions")
    await expect(counsellor.locator("li.card").filter(has_text="En attente de réponse")).to_have_count(1)

    [request] = await mail_to(mail, body["identity"]["email"], "Une personne aimerait échanger")
    answer_link, profile_link = PEER_LINKS.findall(request["text"])
    assert "/links/introductions/" in answer_link and "/links/peers/" in profile_link, request["text"]
    phone = await (await browser.new_context(viewport=PHONE, base_url=console, is_mobile=True)).new_page()
    await phone.goto(answer_link)
    await expect(phone.get_by_text("Elle hésite entre deux métiers.")).to_be_visible()
    await shoot(phone, "peer-request-phone")
    await accessible(phone)
    await phone.get_by_role("button", name="J'accepte").click()
    await expect(phone.get_by_role("status").filter(has_text="Merci !")).to_be_visible()
    toast = counsellor.locator("#toasts .toast").filter(has_text="Mise en relation acceptée")
    await expect(toast).to_be_visible(timeout=30_000)
    await expect(counsellor.locator("li.card").filter(has_text="Acceptée")).to_have_count(1)

    await phone.goto(profile_link)
    await expect(phone.get_by_role("heading", level=1)).to_have_text("Mon profil de pair · Karim")
    await expect(phone.get_by_role("list", name="Parcours vécu").get_by_role("listitem")).to_have_count(3)
    await expect(phone.get_by_label("Votre témoignage", exact=True)).to_have_value(PEER_EXAMPLE["testimony"])
    await phone.get_by_role("button", name="Faire une pause").click()
    await expect(phone.get_by_role("status").filter(has_text="vous êtes en pause")).to_be_visible()
    await phone.get_by_label("Nombre de rencontres par mois, au plus").fill("99")
    await phone.get_by_role("button", name="Enregistrer").click()
    await expect(phone.get_by_label("Nombre de rencontres par mois, au plus")).to_have_attribute("aria-invalid", "true")
    await phone.get_by_label("Nombre de rencontres par mois, au plus").fill("1")
    await phone.get_by_label("Votre témoignage", exact=True).fill("Je réponds surtout le soir, en visio.")
    await phone.get_by_role("button", name="Enregistrer").click()
    await expect(phone.get_by_role("status").filter(has_text="Vos changements sont enregistrés")).to_be_visible()
    await shoot(phone, "peer-profile-phone")
    await accessible(phone)

    seen = (await profiles.get(f"/peers/{peer_id}", headers=nantes.counsellor.headers)).json()
    assert seen["paused"] is True and seen["offer"]["capacity_per_month"] == 1
    assert seen["testimony"] == "Je réponds surtout le soir, en visio."
    await phone.goto(profile_link[:-3] + ("abc" if not profile_link.endswith("abc") else "xyz"))
    await expect(phone.get_by_role("alert")).to_have_text("Ce lien n'est pas valide (incomplet ou modifié).")
    await counsellor.context.close()
    await phone.context.close()


async def test_every_page_opens_without_a_script_error(
    browser: Browser, console: str, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    """Each page's script and every module it imports load and run: no uncaught error, nothing written
    to the browser's console as an error but the answers the page expects (a 404 of a wrong link)."""
    nantes = await team(profiles, "Mission locale")
    coordinator_email = await new_staff(profiles, nantes.agency_id, ["regional_coordinator"], as_operator())
    beneficiary_id = await new_beneficiary(profiles, as_agency(nantes))
    convention_id = (await created(placements, as_agency(nantes), convention(beneficiary_id)))["convention_id"]
    published = await profiles.post("/peers", json=regional_peer(), headers=nantes.counsellor.headers)
    assert published.status_code == 201, published.text
    staff_pages = [
        "/console/beneficiaries",
        "/console/beneficiaries/new",
        f"/console/beneficiaries/{beneficiary_id}",
        f"/console/beneficiaries/{beneficiary_id}/edit",
        f"/console/peers/{published.json()['peer_id']}",
        "/console/introductions",
        f"/console/introductions/{uuid.uuid4()}",
        "/console/conventions",
        f"/console/conventions/new?beneficiary={beneficiary_id}",
        f"/console/conventions/{convention_id}",
        "/console/notifications",
        "/console/gatherings",
        f"/console/gatherings/{uuid.uuid4()}",
    ]
    public_pages = [
        "/console/login",
        f"/links/conventions/{convention_id}/not-a-token",
        "/links/introductions/not-a-token",
        "/links/peers/not-a-token",
    ]
    counsellor = await signed_in(browser, console, nantes.counsellor)
    coordinator = await signed_in(browser, console, Person(coordinator_email, {}), lands="/console/dashboard")
    public = await (await browser.new_context(viewport=PHONE, base_url=console)).new_page()
    errors: list[str] = []
    for page in (counsellor, coordinator, public):
        page.on("pageerror", lambda error: errors.append(f"{error}"))
        page.on(
            "console",
            lambda message: (
                errors.append(f"{message.text} ({message.location.get('url')})")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )
    for page, paths in ((counsellor, staff_pages), (coordinator, ["/console/dashboard"]), (public, public_pages)):
        for path in paths:
            await page.goto(path)
            await expect(page.locator("#page")).to_have_attribute("aria-busy", "false")
            await expect(page.locator("#page")).not_to_have_text("Une erreur inattendue est survenue. Réessayez.")
            assert not errors, f"{path}: {errors}"
    for page in (counsellor, coordinator, public):
        await page.context.close()
