"""Forums, fairs and open days in a real headless Chromium: a counsellor publishes an open day from the
console's form, invites and registers a beneficiary whose target job it concerns, the beneficiary's
invitation is read on a phone, and a peer offers to witness from their own link page. Screenshots in
docs/screenshots/event-*.png; axe finds no serious or critical violation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.integration.conftest import MailCatcher
from tests.integration.support import wait_until
from tests.integration.test_console import (
    DESKTOP,
    PHONE,
    accessible,
    as_agency,
    browser,  # noqa: F401 - the session's Chromium
    console,  # noqa: F401 - the console's address
    pick,
    shoot,
    signed_in,
    team,
)
from tests.integration.test_matching_gatherings import REGION, caught, peer_link, someone
from tests.integration.test_profiles_peers_api import peer

pytestmark = pytest.mark.integration
PARIS = ZoneInfo("Europe/Paris")


async def test_a_counsellor_publishes_an_open_day_invites_and_registers_and_the_invitation_reads_on_a_phone(
    browser: Browser,  # noqa: F811
    console: str,  # noqa: F811
    profiles: httpx.AsyncClient,
    matching: httpx.AsyncClient,
    mail: MailCatcher,
) -> None:
    laval = await team(profiles, "Mission locale de Laval", REGION)
    ines, ines_email = await someone(profiles, matching, as_agency(laval), "M1805")
    name = (await profiles.get(f"/beneficiaries/{ines}", headers=laval.counsellor.headers)).json()["identity"]
    full_name = f"{name['first_name']} {name['last_name']}"
    witness = await profiles.post(
        "/peers", json=peer(visibility="region", consent_to_region=True), headers=laval.counsellor.headers
    )
    assert witness.status_code == 201, witness.text

    page = await signed_in(browser, console, laval.counsellor, viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(f"{message.type}: {message.text}"))
    await page.get_by_role("link", name="Forums et journées").click()
    await expect(page).to_have_title("Forums, salons et journées portes ouvertes · Parcours")
    await page.get_by_text("Publier un forum, un salon, une journée portes ouvertes…").click()
    day = (datetime.now(PARIS) + timedelta(days=12)).date()
    await page.get_by_label("Type d'événement").select_option("open_day")
    await page.get_by_label("Titre").fill("Portes ouvertes chez Numérique Ouest")
    await page.get_by_label("Présentation").fill("Visite des équipes de développement, échanges avec les apprentis.")
    await page.get_by_label("Date", exact=True).fill(day.isoformat())
    await page.get_by_label("De", exact=True).fill("09:30")
    await page.get_by_label("À", exact=True).fill("12:00")
    await pick(page, "Commune", "Laval", "Laval")
    await page.get_by_label("Adresse").fill("12 rue de la Gare, 2e étage")
    await pick(page, "Métier concerné", "développeur", "M1805")
    await page.get_by_label("Nombre de places").fill("12")
    await page.get_by_label("Visible par").select_option("region")
    await accessible(page)
    await page.get_by_role("button", name="Publier", exact=True).click()

    await page.wait_for_url(re.compile(r"/console/gatherings/[0-9a-f-]{36}$"))

    async def loaded() -> bool:
        assert not errors, errors
        return await page.locator("#page").get_attribute("aria-busy") == "false"

    await wait_until(loaded, timeout=30, what=f"the gathering's page to load ({errors})")
    await expect(page).to_have_title("Portes ouvertes chez Numérique Ouest · Parcours")
    await expect(page.get_by_text("de 9 h 30 à 12 h")).to_be_visible()
    await page.get_by_role("button", name=f"Inviter {full_name}").click()
    await expect(page.get_by_role("status").filter(has_text="l'invitation part par e-mail")).to_be_visible()
    await page.get_by_role("button", name=f"Inscrire {full_name}").click()
    await expect(page.get_by_text("11 libre(s) sur 12")).to_be_visible()
    await expect(page.get_by_role("link", name=full_name).last).to_be_visible()
    gathering_page = page.url

    # the beneficiary's page shows it
    await page.goto(f"/console/beneficiaries/{ines}")
    gatherings = page.get_by_role("region", name="Forums et journées")
    await expect(gatherings.get_by_text("inscrit(e)")).to_be_visible(timeout=20_000)

    # the invitation, as the beneficiary reads it on a phone
    email = await caught(mail, ines_email, "Vous êtes invité(e)")
    phone = await (await browser.new_context(viewport=PHONE, is_mobile=True, locale="fr-FR")).new_page()
    await phone.set_content(email["html"])
    await expect(phone.get_by_text("Portes ouvertes chez Numérique Ouest").first).to_be_visible()
    await expect(phone.get_by_text("12 rue de la Gare, 2e étage, Laval")).to_be_visible()
    await shoot(phone, "event-invitation-phone")
    await phone.context.close()

    # a peer offers to witness from their own link page, on a phone (once matching knows their path)
    link = peer_link(str(witness.json()["peer_id"]))

    async def offered() -> bool:
        return "Numérique Ouest" in (await matching.get(f"{link}/gatherings")).text

    await wait_until(offered, timeout=90, what="the open day offered to the peer")
    peer_page = await (await browser.new_context(viewport=PHONE, base_url=console, is_mobile=True)).new_page()
    await peer_page.goto(link)
    offer = peer_page.get_by_role("region", name="Forums et journées où témoigner")
    await offer.get_by_role("button", name="Je viens témoigner · Portes ouvertes chez Numérique Ouest").click()
    await expect(offer.get_by_text("Vous venez témoigner")).to_be_visible()
    await accessible(peer_page)
    await shoot(peer_page, "event-witness-phone")
    await peer_page.context.close()

    # the counsellor's page names the witness, for their job
    await page.goto(gathering_page)
    await expect(page.get_by_text("témoigne pour")).to_be_visible()
    await expect(page.get_by_text("Développeur / Développeuse informatique").first).to_be_visible()
    await accessible(page)
    await shoot(page, "event-page-desktop")
    await page.context.close()
    assert datetime.now(UTC).date() < day
