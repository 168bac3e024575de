"""Testimonies in a real headless Chromium on the running platform: a counsellor finds one by job and
watches it with its French subtitles, seeking works (the file is read by ranges through the console); the
share link plays on a phone without signing in. Screenshots: docs/screenshots/testimony-*.png."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.integration.test_console import (
    PHONE,
    accessible,
    browser,  # noqa: F401 (the session's Chromium)
    shoot,
    signed_in,
    team,
)
from tests.integration.test_profiles_beneficiaries_api import beneficiary
from tests.integration.testimonies_support import Agency, peer, uploaded

pytestmark = pytest.mark.integration

REGION = "06"  # not test_testimonies.py's (03): its region-wide testimonies of the same job would be listed here too


@pytest.fixture
def console(platform: dict[str, Any]) -> str:
    return str(platform["console"].url)


async def plays_and_seeks(page: Page) -> None:
    """The video starts, its subtitles are showing, and a seek to 4.2 s lands there and plays on."""
    video = page.locator("video.testimony-player")
    await expect(video).to_be_visible()
    await page.wait_for_function(
        "() => { const v = document.querySelector('video.testimony-player');"
        " return v && v.readyState >= 1 && v.textTracks.length === 1 && v.textTracks[0].mode === 'showing'"
        " && v.textTracks[0].cues && v.textTracks[0].cues.length === 3; }",
        timeout=30_000,
    )
    assert await video.evaluate("v => v.seekable.length > 0 && v.seekable.end(0) > 5")
    await video.evaluate("v => { v.muted = true; return v.play(); }")
    await page.wait_for_function(
        "() => document.querySelector('video.testimony-player').currentTime > 0.3", timeout=20_000
    )
    await video.evaluate("v => { v.currentTime = 4.2; }")
    await page.wait_for_function(
        "() => { const v = document.querySelector('video.testimony-player');"
        " return !v.seeking && v.currentTime >= 4.2 && v.currentTime < 6.1; }",
        timeout=20_000,
    )
    await page.wait_for_function(
        "() => { const v = document.querySelector('video.testimony-player'); return v.currentTime > 4.5; }",
        timeout=20_000,
    )  # it plays on from where it was sent
    cue = await video.evaluate("v => [...v.textTracks[0].activeCues].map(c => c.text).join(' ')")
    assert "formation" in cue, cue


async def shoot_playing(page: Page, name: str) -> None:
    """A screenshot while it plays the third subtitle, the pointer away so that the controls fade out."""
    await page.mouse.move(2, 2)
    await page.locator("video.testimony-player").evaluate("v => { v.currentTime = 0.5; return v.play(); }")
    await page.wait_for_function(
        "() => document.querySelector('video.testimony-player').currentTime > 4.4", timeout=20_000
    )
    await shoot(page, name)


async def test_a_counsellor_watches_a_testimony_with_subtitles_and_seeks_then_shares_it_to_a_phone(
    browser: Browser,  # noqa: F811
    console: str,
    profiles: httpx.AsyncClient,
) -> None:
    moulins = await team(profiles, "Mission locale de Moulins", REGION)
    agency = Agency(moulins.agency_id, moulins.counsellor.headers)
    testimony = await uploaded(profiles, agency, await peer(profiles, agency))

    registered = await profiles.post("/beneficiaries", json=beneficiary(), headers=moulins.counsellor.headers)
    assert registered.status_code == 201, registered.text

    page = await signed_in(browser, console, moulins.counsellor)
    await page.goto("/console/testimonies?job=M1805")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Témoignages")
    await expect(page.get_by_text("De la vente au développement web")).to_be_visible()
    await plays_and_seeks(page)
    await accessible(page)
    await shoot_playing(page, "testimony-player")
    await page.get_by_role("button", name="Créer le lien de partage").first.click()
    link = page.locator("a.share-link").first
    await expect(link).to_be_visible()
    url = await link.get_attribute("href")
    assert url and "/links/testimonies/" in url and testimony["testimony_id"] not in url
    await page.context.close()

    phone = await (await browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)).new_page()
    await phone.goto(url)  # no sign-in
    await expect(phone.get_by_role("heading", level=1)).to_have_text("De la vente au développement web")
    await plays_and_seeks(phone)
    await accessible(phone)
    await shoot_playing(phone, "testimony-share-phone")
    await phone.context.close()
