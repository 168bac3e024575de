"""The precautions in the browser (Debian's Chromium, driven by Playwright): a peer opens the charter from
the e-mail they received, on a phone, and accepts it, which the counsellor sees on the peer's page; a
counsellor prepares an introduction without the beneficiary's agreement, then records it from the
introductions page, and only then the peer receives the request. Screenshots: docs/screenshots/charter-*.png
and agreement-*.png."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.integration import test_console as console_pages
from tests.integration.conftest import MailCatcher
from tests.integration.support import wait_until
from tests.integration.test_console import (
    DESKTOP,
    PEER_LINKS,
    PHONE,
    accessible,
    as_agency,
    regional_peer,
    shoot,
    signed_in,
    team,
)
from tests.integration.test_notifications import mail_to
from tests.integration.test_placements import new_beneficiary

pytestmark = pytest.mark.integration

browser = console_pages.browser
console = console_pages.console

REGION = "01"  # the people of this file live in a region of their own


async def phone_page(browser: Browser, console: str) -> Page:
    context = await browser.new_context(
        viewport=PHONE, base_url=console, is_mobile=True, has_touch=True, locale="fr-FR", timezone_id="Europe/Paris"
    )
    return await context.new_page()


async def test_a_peer_accepts_the_charter_on_a_phone_and_the_counsellor_sees_it(
    browser: Browser, console: str, profiles: httpx.AsyncClient, mail: MailCatcher
) -> None:
    angers = await team(profiles, "Mission locale", REGION)
    body = regional_peer(f"Charte{uuid.uuid4().hex[:4]}")
    published = await profiles.post("/peers", json=body, headers=angers.counsellor.headers)
    assert published.status_code == 201, published.text
    peer_id = published.json()["peer_id"]

    counsellor = await signed_in(browser, console, angers.counsellor, DESKTOP)
    await counsellor.goto(f"/console/peers/{peer_id}")
    await expect(counsellor.get_by_text("Charte à accepter")).to_be_visible()
    await expect(counsellor.get_by_role("button", name="Renvoyer le lien de la charte")).to_be_visible()
    await shoot(counsellor, "charter-counsellor-waiting-desktop")

    [asked] = await mail_to(mail, body["identity"]["email"], "la charte du pair")
    own_link = next(url for url in PEER_LINKS.findall(asked["text"]) if "/links/peers/" in url)
    phone = await phone_page(browser, console)
    await phone.goto(own_link)
    await expect(phone.get_by_role("heading", name="Charte du pair")).to_be_visible()
    await expect(phone.get_by_role("heading", name="Confidentialité")).to_be_visible()
    await shoot(phone, "charter-peer-phone")
    await accessible(phone)
    await phone.get_by_role("button", name="J'ai lu la charte et je l'accepte").click()
    await expect(phone.get_by_role("status").filter(has_text="vous avez accepté la charte")).to_be_visible()
    await expect(phone.get_by_text("Charte du pair acceptée le")).to_be_visible()
    await shoot(phone, "charter-accepted-phone")

    await counsellor.reload()
    await expect(counsellor.get_by_text("Charte acceptée")).to_be_visible()
    await shoot(counsellor, "charter-counsellor-accepted-desktop")
    await counsellor.context.close()
    await phone.context.close()


async def test_an_introduction_waits_for_the_beneficiarys_agreement_in_the_console(
    browser: Browser, console: str, profiles: httpx.AsyncClient, mail: MailCatcher
) -> None:
    nantes = await team(profiles, "Mission locale", REGION)
    surname = f"Accord{uuid.uuid4().hex[:4]}"
    body = regional_peer(surname)
    published = await profiles.post("/peers", json=body, headers=nantes.counsellor.headers)
    assert published.status_code == 201, published.text
    [asked] = await mail_to(mail, body["identity"]["email"], "la charte du pair")
    own_link = next(url for url in PEER_LINKS.findall(asked["text"]) if "/links/peers/" in url)
    phone = await phone_page(browser, console)
    await phone.goto(own_link)
    await phone.get_by_role("button", name="J'ai lu la charte et je l'accepte").click()
    await expect(phone.get_by_role("status").filter(has_text="vous avez accepté la charte")).to_be_visible()
    beneficiary_id = await new_beneficiary(profiles, as_agency(nantes))

    counsellor = await signed_in(browser, console, nantes.counsellor, DESKTOP)
    await counsellor.goto(f"/console/beneficiaries/{beneficiary_id}")
    suggestion = counsellor.locator("#suggestions li.card").filter(has_text=surname)

    async def suggested() -> bool:
        if await suggestion.count():
            return True
        await counsellor.reload()
        await counsellor.locator("#suggestions h2").wait_for()
        return bool(await suggestion.count())

    await wait_until(suggested, timeout=90, what="the peer among the suggestions once the charter is accepted")
    await suggestion.get_by_role("button", name="Proposer une rencontre").click()
    await suggestion.get_by_label("Message pour le pair").fill("Léa aimerait connaître votre reconversion.")
    agreement = suggestion.get_by_label("La personne accompagnée est d'accord pour rencontrer ce pair")
    await expect(agreement).not_to_be_checked()
    await suggestion.scroll_into_view_if_needed()
    await shoot(counsellor, "agreement-proposal-desktop")
    await suggestion.get_by_role("button", name="Envoyer la demande").click()
    await expect(suggestion.get_by_text("Demande préparée")).to_be_visible()

    await counsellor.goto("/console/introductions")
    waiting = counsellor.locator("li.card").filter(has_text="En attente de l'accord de la personne")
    await expect(waiting).to_have_count(1)
    await expect(waiting.get_by_role("link", name="Karim (professionnel)")).to_be_visible()  # names loaded
    await shoot(counsellor, "agreement-awaiting-desktop")
    await accessible(counsellor)
    requests = [m for m in await mail.messages() if body["identity"]["email"] in m["to"] and "échanger" in m["subject"]]
    assert not requests, "nothing reaches the peer before the agreement"
    await waiting.get_by_role("button", name="Elle est d'accord : envoyer la demande").click()
    await expect(counsellor.locator("li.card").filter(has_text="En attente de réponse")).to_have_count(1)
    await shoot(counsellor, "agreement-sent-desktop")
    await mail_to(mail, body["identity"]["email"], "Une personne aimerait échanger")
    await counsellor.context.close()
    await phone.context.close()
