"""The beneficiary's own path in the console, in a real Chromium: a counsellor enters the jobs before the
accompaniment and an imposed transition, reads them in words on the beneficiary's page, finds first the peer
who made the same move, and reads the employer on that peer's path."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.integration import test_console as console_pages
from tests.integration.support import accept_charter
from tests.integration.test_console import SCREENSHOTS, accessible, pick, regional_peer, shoot, signed_in, team

pytestmark = pytest.mark.integration

browser = console_pages.browser
console = console_pages.console

CHOSEN = {"transition": "chosen"}
REGION = "11"  # as test_matching_own_path: only this region's beneficiaries take these peers' share


async def test_a_counsellor_enters_the_path_before_and_an_imposed_transition_and_reads_them_in_words(
    browser: Browser, console: str, profiles: httpx.AsyncClient
) -> None:
    nantes = await team(profiles, "Mission locale du parcours", REGION)
    surname = f"Vendeuse{uuid.uuid4().hex[:4]}"
    body = regional_peer(surname)
    body["path"] = [
        {"kind": "job", "rome_code": "D1214", "start_month": "2012-01", "end_month": "2020-06", "transition": "chosen",
         "employer": "Boutique Lila", "place_id": "2990969"},
        {"kind": "job", "rome_code": "M1855", "start_month": "2021-01", "transition": "imposed",
         "transition_reason": "redundancy", "employer": "Agence Web de l'Erdre", "employer_siret": "73282932000074"},
    ]  # fmt: skip
    published = await profiles.post("/peers", json=body, headers=nantes.counsellor.headers)
    assert published.status_code == 201, published.text
    await accept_charter(profiles, published.json()["peer_id"])
    direct = regional_peer(f"Apprentie{uuid.uuid4().hex[:4]}")  # a direct route, to tell another story
    direct["kind"] = "apprentice"
    direct["path"] = [
        {"kind": "training", "rome_code": "M1855", "start_month": "2019-09", "end_month": "2021-06", **CHOSEN},
        {"kind": "apprenticeship", "rome_code": "M1855", "start_month": "2021-09", **CHOSEN},
    ]
    apprentice = await profiles.post("/peers", json=direct, headers=nantes.counsellor.headers)
    assert apprentice.status_code == 201, apprentice.text
    await accept_charter(profiles, apprentice.json()["peer_id"])

    page = await signed_in(browser, console, nantes.counsellor)
    await page.get_by_role("link", name="Nouveau bénéficiaire").click()
    await page.get_by_label("Prénom").fill("Sonia")
    await page.get_by_label("Nom", exact=True).fill(f"Leclerc{uuid.uuid4().hex[:4]}")
    await page.get_by_label("Année de naissance").fill("1990")
    await pick(page, "Métier visé (fiche ROME)", "développeur web", "M1855")
    await pick(page, "Commune de résidence", "Nantes", "Nantes")
    await page.get_by_label("En visio").check()
    await page.get_by_role("button", name="Ajouter un emploi ou une formation").click()
    await pick(page, "Métier (fiche ROME)", "prêt-à-porter", "D1214")
    await page.get_by_label("Début").fill("2015-09")
    await page.get_by_label("Fin (vide si en cours)").fill("2025-03")
    reason = page.get_by_label("Pourquoi est-elle subie ?")
    await expect(reason).to_be_hidden()
    await page.get_by_label("La personne change de métier par choix, ou y est contrainte ?").select_option("imposed")
    await expect(reason).to_be_visible()
    await page.get_by_label("La personne accepte d'être mise en relation avec des pairs").check()
    await page.get_by_role("button", name="Créer le bénéficiaire").click()
    await expect(reason).to_have_attribute("aria-invalid", "true")  # imposed: the form asks why
    await expect(
        page.locator("p.field-error").filter(has_text="Dites pourquoi cette transition est subie")
    ).to_be_visible()
    await reason.select_option("redundancy")
    await shoot(page, "beneficiary-own-path-form-desktop")
    await accessible(page)
    await page.get_by_role("button", name="Créer le bénéficiaire").click()

    await page.wait_for_url(re.compile(r"/console/beneficiaries/[0-9a-f-]{36}$"))
    summary = page.get_by_role("region", name="Résumé")
    await expect(summary.get_by_text("Transition en cours : subie (licenciement économique)")).to_be_visible()
    before = summary.get_by_role("list", name="Parcours vécu")
    await expect(before.get_by_role("listitem")).to_have_text(
        [re.compile("Emploi · Vendeur / Vendeuse en prêt-à-porter")]
    )
    first = page.locator("#suggestions li.card").filter(has_text=surname)
    await expect(first).to_be_visible(timeout=60_000)
    await expect(first.get_by_role("list", name="Pourquoi ce pair")).to_contain_text("comme vous")
    await first.get_by_role("button", name="Voir son parcours").click()
    await expect(first.get_by_role("list", name="Parcours vécu")).to_contain_text("chez Agence Web de l'Erdre")
    await expect(first.get_by_role("list", name="Parcours vécu")).to_contain_text("subi (licenciement économique)")
    await shoot(page, "beneficiary-own-path-desktop")
    await accessible(page)
    other_story = page.locator("#suggestions li.card").filter(has_text=direct["identity"]["last_name"])
    await expect(other_story).to_be_visible(timeout=60_000)  # a direct route beside the career change
    await expect(page.locator("#suggestions .reading-note")).to_contain_text("une expérience parmi d'autres")
    await page.locator("#suggestions").screenshot(path=str(SCREENSHOTS / "suggestions-contrasting-desktop.png"))

    await page.get_by_role("link", name="Modifier").click()
    await expect(page.get_by_label("Pourquoi est-elle subie ?")).to_have_value("redundancy")
    await expect(page.get_by_label("Début")).to_have_value("2015-09")
    await page.context.close()
