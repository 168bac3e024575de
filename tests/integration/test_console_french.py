"""Every console page, opened in a real headless Chromium as each role (counsellor, validator, agency admin,
regional coordinator, and a person holding a link), speaks French: no English word shows, and no API error
reaches a page without its `code` and a French `message`. A wrong address is a French 404 page, and a form
shows the API's message on the field it names (screenshots of both in docs/screenshots). The platform
operator, who creates, renames and closes agencies, has no console account nor page (a bearer token on the
APIs, `PARCOURS_OPERATOR_TOKEN`; `static/roles.js` knows no such role): there is nothing of theirs to walk."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, Response, expect

from tests.french import english_shown, problems_of_error
from tests.integration.test_console import (
    DESKTOP,
    PHONE,
    Person,
    as_agency,
    browser,  # noqa: F401 - the session's Chromium
    console,  # noqa: F401 - the console's address
    pick,
    regional_peer,
    shoot,
    signed_in,
    team,
)
from tests.integration.test_placements import convention, created, new_beneficiary
from tests.integration.test_profiles_staff_api import as_operator, new_staff

pytestmark = pytest.mark.integration


class Watch:
    """The API answers a page receives: every one in error must be in the one shape, its message French."""

    def __init__(self, page: Page) -> None:
        self.failed: list[Response] = []
        page.on("response", lambda answer: self.failed.append(answer) if self._api_error(answer) else None)

    @staticmethod
    def _api_error(answer: Response) -> bool:
        return "/api/" in answer.url and answer.status >= 400

    async def problems(self) -> list[str]:
        found = []
        for answer in self.failed:
            try:
                body: Any = await answer.json()
            except Exception as error:  # a body that is not JSON is the finding itself
                found.append(f"{answer.status} {answer.url}: not JSON ({error})")
                continue
            found += [f"{answer.status} {answer.url}: {p}" for p in problems_of_error(body)]
        self.failed.clear()
        return found


async def french_page(page: Page, watch: Watch, path: str) -> None:
    await page.goto(path)
    await expect(page.locator("#page, main").first).to_be_visible()
    if await page.locator("#page").count():
        await expect(page.locator("#page")).to_have_attribute("aria-busy", "false")
    await page.wait_for_load_state("networkidle")
    text = await page.locator("body").inner_text()
    assert english_shown(text) == [], f"{path}: English shown {english_shown(text)} in {text[:1500]!r}"
    assert await watch.problems() == [], path
    title = await page.title()
    assert english_shown(title) == [], f"{path}: title {title!r}"


async def test_every_console_page_speaks_french_to_every_role(
    browser: Browser,  # noqa: F811
    console: str,  # noqa: F811
    profiles: httpx.AsyncClient,
    placements: httpx.AsyncClient,
) -> None:
    rennes = await team(profiles, "Mission locale")
    people = {"counsellor": rennes.counsellor, "validator": rennes.validator}
    for role in ("agency_admin", "regional_coordinator"):
        people[role] = Person(await new_staff(profiles, rennes.agency_id, [role], as_operator()), {})
    beneficiary_id = await new_beneficiary(profiles, as_agency(rennes))
    convention_id = (await created(placements, as_agency(rennes), convention(beneficiary_id)))["convention_id"]
    published = await profiles.post("/peers", json=regional_peer(), headers=rennes.counsellor.headers)
    assert published.status_code == 201, published.text
    agency_pages = [
        "/console/beneficiaries",
        f"/console/beneficiaries/{beneficiary_id}",
        f"/console/peers/{published.json()['peer_id']}",
        "/console/introductions",
        f"/console/introductions/{uuid.uuid4()}",
        "/console/conventions",
        f"/console/conventions/{convention_id}",
        "/console/notifications",
        "/console/testimonies",
        "/console/testimonies?job=M1805",
    ]
    pages = {
        "counsellor": [
            *agency_pages,
            "/console/beneficiaries/new",
            f"/console/beneficiaries/{beneficiary_id}/edit",
            f"/console/conventions/new?beneficiary={beneficiary_id}",
        ],
        "validator": [*agency_pages, "/console/conventions/to-validate"],
        "agency_admin": [*agency_pages, "/console/agency", "/console/dashboard"],
        "regional_coordinator": ["/console/dashboard", "/console/notifications"],
    }
    landings = {  # static/roles.js: where each role's work is
        "counsellor": "/console/beneficiaries",
        "validator": "/console/conventions/to-validate",
        "agency_admin": "/console/agency",
        "regional_coordinator": "/console/dashboard",
    }
    for role, paths in pages.items():
        page = await signed_in(browser, console, people[role], lands=landings[role])
        watch = Watch(page)
        for path in paths:
            await french_page(page, watch, path)
        await page.context.close()

    public = await (await browser.new_context(viewport=PHONE, base_url=console, locale="fr-FR")).new_page()
    watch = Watch(public)
    for path in (
        "/console/login",
        f"/links/conventions/{convention_id}/pas-un-lien",
        "/links/introductions/pas-un-lien",
        "/links/peers/pas-un-lien",
    ):
        await french_page(public, watch, path)
    await public.context.close()


async def test_a_wrong_address_is_a_french_404_page(browser: Browser, console: str) -> None:  # noqa: F811
    page = await (await browser.new_context(viewport=DESKTOP, base_url=console, locale="fr-FR")).new_page()
    answer = await page.goto("/console/cette-page-n-existe-pas")
    assert answer is not None and answer.status == 404
    await expect(page).to_have_title("Page introuvable · Parcours")
    await expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    await expect(page.get_by_role("link", name="Revenir à l'accueil")).to_be_visible()
    assert english_shown(await page.locator("body").inner_text()) == []
    assert await page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    await shoot(page, "not-found-desktop")
    await page.context.close()


async def test_a_form_shows_the_apis_message_on_the_field_it_names(
    browser: Browser,  # noqa: F811
    console: str,  # noqa: F811
    profiles: httpx.AsyncClient,
) -> None:
    rennes = await team(profiles, "Mission locale")
    page = await signed_in(browser, console, rennes.counsellor)
    watch = Watch(page)
    await page.goto("/console/beneficiaries/new")
    await page.get_by_label("Prénom").fill("Ibrahim")
    await page.get_by_label("Nom", exact=True).fill(f"Diallo{uuid.uuid4().hex[:4]}")
    await page.get_by_label("Année de naissance").fill("2001")
    await pick(page, "Métier visé (fiche ROME)", "développeur", "M1805")
    await pick(page, "Commune de résidence", "Rennes", "Rennes")
    distance = page.get_by_label("Distance de déplacement possible (km)")
    await distance.fill("500")
    await page.get_by_role("button", name="Créer le bénéficiaire").click()
    error = page.locator(f"#{await distance.get_attribute('id')}-error")
    await expect(error).to_have_text("Indiquez une distance entre 0 et 300 km.")
    await expect(distance).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_role("alert").first).to_contain_text("Le formulaire contient des erreurs")
    assert len(watch.failed) == 1 and watch.failed[0].status == 422
    assert await watch.problems() == []
    await shoot(page, "form-field-error-desktop")
    await page.context.close()
