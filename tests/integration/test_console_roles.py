"""Each role lands where its work is, in a real Chromium on the running platform: the regional coordinator on
the dashboard, a validator on the conventions to validate, an agency admin on the agency's settings and team,
a counsellor on their beneficiaries; each menu holds only the role's pages, a page of another role sends the
person to their own, and no page answers with an API's words. Screenshots in docs/screenshots/roles-*.png."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.conftest import Servers
from tests.integration.support import ServiceProcess
from tests.integration.test_console import (
    CHROMIUM_FLAGS,
    Person,
    accessible,
    as_agency,
    chromium_path,
    shoot,
    signed_in,
    team,
)
from tests.integration.test_placements import convention, created, link, new_beneficiary, step
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

API_WORDS = re.compile(r"\b(GET|POST|PATCH|PUT|DELETE) /|aggregates|regional coordinators", re.IGNORECASE)


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
def console_url(platform: dict[str, ServiceProcess]) -> str:
    return platform["console"].url


async def menu(page: Page) -> list[str]:
    await expect(page.locator("#who")).not_to_have_text("")
    return [text.strip() for text in await page.locator(".bar nav a").all_inner_texts()]


async def no_api_words(page: Page) -> None:
    text = await page.locator("body").inner_text()
    assert not API_WORDS.search(text), f"{page.url}: {API_WORDS.search(text)}"


async def test_each_role_lands_where_its_work_is(
    chromium: Browser, console_url: str, profiles: httpx.AsyncClient, placements: httpx.AsyncClient, servers: Servers
) -> None:
    browser, console = chromium, console_url
    nantes = await team(profiles, "Mission locale")
    admin_email = await new_staff(profiles, nantes.agency_id, ["agency_admin"], as_operator())
    admin = Person(admin_email, bearer(await login(profiles, admin_email)))
    coordinator = Person(await new_staff(profiles, nantes.agency_id, ["regional_coordinator"], as_operator()), {})
    # a convention signed by every party: the validator's work
    body = convention(await new_beneficiary(profiles, as_agency(nantes)))
    made = await created(placements, as_agency(nantes), body)
    await step(placements, nantes.counsellor.headers, made["convention_id"], "send")
    confirming = await link(servers, made["convention_id"], "employer")
    assert (await placements.post(confirming + "/confirm")).status_code == 200
    for role in ("employer", "beneficiary"):
        signing = await link(servers, made["convention_id"], role, "sign")
        assert (await placements.post(signing + "/sign")).status_code == 200

    # the regional coordinator: the dashboard, and nothing else in the menu
    page = await signed_in(browser, console, coordinator, lands="/console/dashboard")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord régional")
    assert await menu(page) == ["Tableau de bord"]
    await expect(page.get_by_role("figure").first).to_be_visible()
    await no_api_words(page)
    await shoot(page, "roles-coordinator")
    for elsewhere in ("/console/beneficiaries", "/console/conventions/to-validate", "/console/agency"):
        await page.goto(elsewhere)
        await expect(page).to_have_url(re.compile(r"/console/dashboard$"), timeout=15_000)
        assert not errors, f"{elsewhere}: {errors}"
    await page.goto("/console")
    await expect(page).to_have_url(re.compile(r"/console/dashboard$"))
    await page.context.close()

    # a validator: the conventions waiting for them
    page = await signed_in(browser, console, nantes.validator, lands="/console/conventions/to-validate")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Conventions à valider")
    assert await menu(page) == [
        "Bénéficiaires",
        "Mises en relation",
        "Témoignages",
        "Immersions PMSMP",
        "À valider",
    ]
    await expect(page.locator(".bar nav a[aria-current=page]")).to_have_text("À valider")
    row = page.get_by_role("row").filter(has_text=body["beneficiary"]["last_name"])
    await expect(row).to_contain_text("Signée par toutes les parties")
    await expect(row).to_contain_text(body["host"]["name"])
    await no_api_words(page)
    await accessible(page)
    await shoot(page, "roles-validator")
    await row.get_by_role("link").click()
    await page.wait_for_url(f"**/console/conventions/{made['convention_id']}")
    await page.goto("/console/agency")
    await expect(page).to_have_url(re.compile(r"/console/conventions/to-validate$"))
    await page.context.close()

    # an agency admin: the agency's name, its validation circuit and its team
    page = await signed_in(browser, console, admin, lands="/console/agency")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ma structure")
    assert await menu(page) == [
        "Bénéficiaires",
        "Mises en relation",
        "Témoignages",
        "Immersions PMSMP",
        "Ma structure",
        "Tableau de bord",
    ]
    team_table = page.get_by_role("region", name="Équipe de la structure")
    counsellor_row = team_table.get_by_role("row").filter(has_text=nantes.counsellor.email)
    await expect(counsellor_row).to_contain_text("Conseiller")
    await expect(counsellor_row).to_contain_text("Ouvert")
    await no_api_words(page)
    await accessible(page)
    await shoot(page, "roles-agency-admin")

    name = page.get_by_label("Nom de la structure")
    await name.fill("Mission\u200b locale")
    await page.get_by_role("button", name="Enregistrer le nom").click()
    await expect(page.locator(".field-error")).to_contain_text("caractère de contrôle")
    new_name = f"Mission locale du Vignoble {uuid.uuid4().hex[:4]}"
    await name.fill(f"  {new_name} ")
    await page.get_by_role("button", name="Enregistrer le nom").click()
    await expect(page.locator("#toasts")).to_contain_text("Le nom de la structure est enregistré.")
    listed = (await profiles.get("/agencies", headers=admin.headers)).json()
    assert {"agency_id": nantes.agency_id, "name": new_name}.items() <= next(
        a for a in listed if a["agency_id"] == nantes.agency_id
    ).items()

    opened = f"{uuid.uuid4().hex[:8]}@ml.test"
    await page.get_by_label("Nom et prénom").fill("Louise Martin")
    await page.get_by_label("Adresse e-mail professionnelle").fill(opened)
    await page.get_by_label("Valideur").check()
    await page.get_by_label("Mot de passe provisoire").fill("un-mot-de-passe-solide")
    await page.get_by_role("button", name="Ouvrir le compte").click()
    louise = team_table.get_by_role("row").filter(has_text=opened)
    await expect(louise).to_contain_text("Conseiller, Valideur")

    await louise.get_by_role("button", name="Fermer le compte…").click()
    await expect(louise.get_by_text("Fermer le compte de Louise Martin ?")).to_be_visible()
    await louise.get_by_role("button", name="Non, garder le compte").click()
    await expect(louise).to_contain_text("Ouvert")
    await louise.get_by_role("button", name="Fermer le compte…").click()
    await louise.get_by_role("button", name="Oui, fermer le compte").click()
    await expect(team_table.get_by_role("row").filter(has_text=opened)).to_contain_text("Fermé")
    refused = await profiles.post("/auth/login", json={"email": opened, "password": "un-mot-de-passe-solide"})
    assert refused.status_code == 401
    await page.context.close()

    # a counsellor: their beneficiaries
    page = await signed_in(browser, console, nantes.counsellor)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mes bénéficiaires")
    assert await menu(page) == [
        "Bénéficiaires",
        "Mises en relation",
        "Témoignages",
        "Forums et journées",
        "Immersions PMSMP",
    ]
    await no_api_words(page)
    await shoot(page, "roles-counsellor")
    for elsewhere in ("/console/dashboard", "/console/agency", "/console/conventions/to-validate"):
        await page.goto(elsewhere)
        await expect(page).to_have_url(re.compile(r"/console/beneficiaries$"))
    await page.context.close()


async def test_a_coordinator_reading_people_is_told_in_french_where_their_figures_are(
    profiles: httpx.AsyncClient,
) -> None:
    nantes = await team(profiles, "Mission locale")
    coordinator = bearer(
        await login(profiles, await new_staff(profiles, nantes.agency_id, ["regional_coordinator"], as_operator()))
    )
    refused = await profiles.get("/beneficiaries", headers=coordinator)
    assert refused.status_code == 403
    assert "tableau de bord" in refused.json()["detail"] and not API_WORDS.search(refused.json()["detail"])


async def test_the_validator_reads_the_legal_checks_beside_validate_and_refuses_only_behind_a_disclosure(
    chromium: Browser, console_url: str, profiles: httpx.AsyncClient, placements: httpx.AsyncClient, servers: Servers
) -> None:
    nantes = await team(profiles, "Mission locale")
    body = convention(await new_beneficiary(profiles, as_agency(nantes)))
    made = await created(placements, as_agency(nantes), body)
    await step(placements, nantes.counsellor.headers, made["convention_id"], "send")
    confirming = await link(servers, made["convention_id"], "employer")
    assert (await placements.post(confirming + "/confirm")).status_code == 200
    for role in ("employer", "beneficiary"):
        signing = await link(servers, made["convention_id"], role, "sign")
        assert (await placements.post(signing + "/sign")).status_code == 200
    legal = (await placements.get(f"/conventions/{made['convention_id']}", headers=nantes.validator.headers)).json()[
        "legal"
    ]
    days = (date.fromisoformat(body["end_date"]) - date.fromisoformat(body["start_date"])).days + 1
    assert legal["days_with_host"] == days and legal["conventions_with_host"] == 1
    assert legal["within_limits"] == {"days": True, "conventions": True, "hours": True, "duration": True}

    page = await signed_in(chromium, console_url, nantes.validator, lands="/console/conventions/to-validate")
    await page.goto(f"/console/conventions/{made['convention_id']}")
    checks = page.get_by_role("region", name="Vérifications légales")
    await expect(checks).to_contain_text(f"Jours chez cette entreprise sur 12 mois : {days} sur 60 au plus")
    await expect(checks).to_contain_text("Conventions avec cette entreprise sur 12 mois : 1 sur 2 au plus")
    await expect(checks).to_contain_text(f"{legal['hours_per_week']:g} h par semaine (48 h au plus)".replace(".", ","))
    await expect(checks).to_contain_text("Renouvelable une seule fois")
    validate = page.get_by_role("button", name="Valider", exact=True)
    await expect(validate).to_be_visible()
    reject = page.get_by_role("button", name="Refuser", exact=True)
    await expect(reject).to_be_hidden()  # behind the disclosure, never open beside "Valider"
    await accessible(page)
    await shoot(page, "convention-validator")

    await page.locator("details.stopping > summary").click()
    await expect(reject).to_be_visible()
    await reject.click()
    await expect(page.locator(".field-error")).to_contain_text("Cochez la case pour confirmer.")
    refusal = page.locator("form").filter(has=reject)
    await refusal.get_by_label("Motif").select_option(label="Dossier incomplet")
    await refusal.get_by_label("Précision").fill("Il manque l'attestation d'assurance de l'entreprise.")
    await refusal.get_by_label("Je confirme refuser cette convention").check()
    await shoot(page, "convention-disclosure")
    await reject.click()
    await expect(page.get_by_text("Statut : ")).to_contain_text("Rejetée")
    assert (await placements.get(f"/conventions/{made['convention_id']}", headers=nantes.validator.headers)).json()[
        "status"
    ] == "rejected"
    await page.context.close()


async def test_a_counsellor_edits_a_draft_and_only_a_draft(
    chromium: Browser, console_url: str, profiles: httpx.AsyncClient, placements: httpx.AsyncClient
) -> None:
    nantes = await team(profiles, "Mission locale")
    body = convention(await new_beneficiary(profiles, as_agency(nantes)))
    made = await created(placements, as_agency(nantes), body)
    page = await signed_in(chromium, console_url, nantes.counsellor)
    await page.goto(f"/console/conventions/{made['convention_id']}")
    await page.get_by_role("link", name="Modifier le brouillon").click()
    await expect(page).to_have_url(re.compile(rf"/console/conventions/{made['convention_id']}/edit$"))
    await expect(page.get_by_label("Raison sociale")).to_have_value(body["host"]["name"])
    await expect(page.get_by_label("SIRET (14 chiffres)")).to_have_value(body["host"]["siret"])
    await expect(page.get_by_label("Premier jour")).to_have_value(body["start_date"])
    tasks = "Accueil des clients, préparation des commandes avec la tutrice"
    await page.get_by_label("Activités confiées").fill(tasks)
    await shoot(page, "convention-draft-edit")
    await page.get_by_label("Mardi").fill("5")  # after the full-page screenshot: a click right after one went nowhere
    await page.get_by_role("button", name="Enregistrer les modifications").click()
    await expect(page).to_have_url(re.compile(rf"/console/conventions/{made['convention_id']}$"))
    await expect(page.get_by_text(tasks)).to_be_visible()
    saved = (await placements.get(f"/conventions/{made['convention_id']}", headers=nantes.counsellor.headers)).json()
    assert saved["terms"]["tasks"] == tasks and saved["terms"]["schedule"]["tuesday"] == 5
    assert saved["terms"]["host"] == body["host"], "what was not touched stays as it was"

    await step(placements, nantes.counsellor.headers, made["convention_id"], "send")
    terms = {k: v for k, v in saved["terms"].items()}
    refused = await placements.put(
        f"/conventions/{made['convention_id']}", json=terms, headers=nantes.counsellor.headers
    )
    assert refused.status_code == 409, refused.text
    await page.goto(f"/console/conventions/{made['convention_id']}/edit")
    await expect(page.get_by_text("Seul un brouillon se modifie")).to_be_visible()
    await page.goto(f"/console/conventions/{made['convention_id']}")
    await expect(page.get_by_role("button", name="Envoyer à l'employeur")).to_be_hidden()
    await expect(page.get_by_role("link", name="Modifier le brouillon")).to_be_hidden()
    await page.context.close()
