"""The region's dashboard in a real Chromium on the running platform: a convention validated and assessed
reaches the coordinator's counts through Kafka; the month is read against the month before and the same
month a year before, with the conversion rates between stages, months in French; small stages keep a
visible bar; nothing scrolls sideways in a 1366 px window; the CSV names no one and carries the rates.
Screenshots in docs/screenshots/dashboard-*.png."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect
from pymongo import AsyncMongoClient

from services.console.adapters.funnel import FunnelCounts
from services.console.domain.comparison import month_label as french
from services.console.domain.comparison import shifted as month_shifted
from services.console.domain.funnel import Fact, Stage, month_of
from tests.conftest import Servers
from tests.integration.conftest import MailCatcher, Platform
from tests.integration.support import wait_until
from tests.integration.test_console import (
    LINK,
    PHONE,
    Person,
    accessible,
    as_agency,
    browser,  # noqa: F401 - the session's Chromium
    console,  # noqa: F401 - the console's address
    shoot,
    signed_in,
    team,
)
from tests.integration.test_notifications import mail_to
from tests.integration.test_placements import convention, created, link, new_beneficiary, step, sweep
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

pytestmark = pytest.mark.integration

REGION = "94"  # the dashboard's own region: its coordinator counts only this file's agencies
LAPTOP = {"width": 1366, "height": 768}
NBSP, MINUS = "\u00a0", "\u2212"


async def counted_earlier(platform: Platform, servers: Servers, agency_id: str, month: str) -> None:
    """Steps of this month and of the months it is compared with, counted as the console counts the events
    of matching (a peer's introduction months ago cannot be replayed at its date)."""
    earlier = {
        month: {Stage.SUGGESTIONS: 120, Stage.INTRODUCTIONS: 8, Stage.ACCEPTED: 6, Stage.MEETINGS: 3},
        month_shifted(month, -1): {Stage.INTRODUCTIONS: 4, Stage.ACCEPTED: 2, Stage.MEETINGS: 2},
        month_shifted(month, -12): {Stage.INTRODUCTIONS: 2, Stage.ACCEPTED: 1},
    }
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(servers.mongodb_uri)
    try:
        counts = FunnelCounts(client[platform.env["console"]["PARCOURS_MONGODB_DATABASE"]])
        for when, stages in earlier.items():
            for stage, number in stages.items():
                for n in range(number):
                    await counts.count(Fact(f"seed-{agency_id}-{when}-{stage}-{n}", agency_id, "M", when, stage))
    finally:
        await client.close()


async def cells(row: Locator) -> list[str]:
    return [text.replace(NBSP, " ").strip() for text in await row.locator("th, td").all_inner_texts()]


async def too_wide(page: Page) -> list[str]:
    """What is wider than the window, or than its own box (a table cut by its own scroll)."""
    found: list[str] = await page.evaluate(
        """() => [document.scrollingElement, ...document.querySelectorAll('.table-wrap, table')]
              .filter((e) => e.scrollWidth > (e === document.scrollingElement ? window.innerWidth : e.clientWidth))
              .map((e) => `${e.tagName}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"""
    )
    return found


async def test_a_tutor_fills_in_the_assessment_and_the_dashboard_compares_the_month_with_rates(
    browser: Browser,  # noqa: F811
    console: str,  # noqa: F811
    profiles: httpx.AsyncClient,
    placements: httpx.AsyncClient,
    mail: MailCatcher,
    servers: Servers,
    whole_platform: Platform,
) -> None:
    nantes = await team(profiles, "Mission locale", REGION)
    coordinator_email = await new_staff(profiles, nantes.agency_id, ["regional_coordinator"], as_operator())
    coordinator = Person(coordinator_email, bearer(await login(profiles, coordinator_email)))
    body = convention(await new_beneficiary(profiles, as_agency(nantes)))
    body["tutor"] = {**body["tutor"], "email": f"tuteur-{uuid.uuid4().hex[:6]}@entreprise.test"}
    made = await created(placements, as_agency(nantes), body)
    convention_id = made["convention_id"]
    await step(placements, nantes.counsellor.headers, convention_id, "send")
    assert (await placements.post(await link(servers, convention_id, "employer") + "/confirm")).status_code == 200
    for role in ("employer", "beneficiary"):
        assert (await placements.post(await link(servers, convention_id, role, "sign") + "/sign")).status_code == 200
    await step(placements, nantes.validator.headers, convention_id, "validate")
    month = month_of(datetime.now(UTC))
    await counted_earlier(whole_platform, servers, nantes.agency_id, month)

    dashboard = await signed_in(browser, console, coordinator, viewport=LAPTOP, lands="/console/dashboard")
    await dashboard.goto(f"/console/dashboard?agency={nantes.agency_id}")
    funnel = dashboard.get_by_role("figure", name=f"De la suggestion à l'issue, {french(month)}")
    conventions = funnel.get_by_role("listitem").filter(has_text="Conventions PMSMP validées").locator("strong")
    await expect(conventions).to_have_text("1", timeout=30_000)
    adjusted = funnel.get_by_role("listitem").filter(has_text="Projets ajustés").locator("strong")
    await expect(adjusted).to_have_text("0")

    await sweep(placements, body["start_date"])
    await sweep(placements, body["end_date"])
    [request] = await mail_to(mail, body["tutor"]["email"], "Le bilan de l'immersion")
    url = LINK.search(request["text"])
    assert url is not None, request["text"]
    tutor = await (await browser.new_context(viewport=PHONE, base_url=console, is_mobile=True)).new_page()
    await tutor.goto(urlsplit(url.group(1)).path)
    await expect(tutor.get_by_role("heading", name="Le bilan de l'immersion")).to_be_visible()
    await tutor.get_by_label("Non").first.check()  # objectives not met
    await tutor.get_by_label("Projet ajusté").check()
    await tutor.get_by_label("Compétences observées").fill("rigueur\ntravail en équipe")
    await shoot(tutor, "tutor-assessment-phone")
    await accessible(tutor)
    await tutor.get_by_role("button", name="Envoyer le bilan").click()
    await expect(tutor.get_by_text("Merci, c'est enregistré.")).to_be_visible()
    await tutor.context.close()

    async def counted() -> bool:
        await dashboard.get_by_role("button", name="Afficher", exact=True).click()
        await dashboard.wait_for_load_state("networkidle")
        return await adjusted.inner_text() == "1"

    await wait_until(counted, timeout=30, what="the assessment counted on the dashboard")

    # the month against the month before and the same month a year before, in French
    previous, last_year = french(month_shifted(month, -1)), french(month_shifted(month, -12))
    figures = dashboard.get_by_role("table", name="Chiffres du mois et évolution")
    assert await cells(figures.locator("thead tr")) == [
        "Étape",
        french(month),
        previous,
        f"Évolution depuis {previous}",
        last_year,
        f"Évolution depuis {last_year}",
    ]
    proposed = figures.get_by_role("row").filter(has_text="Mises en relation proposées")
    assert await cells(proposed) == ["Mises en relation proposées", "8", "4", "+4 (+100 %)", "2", "+6 (+300 %)"]
    hired = figures.get_by_role("row").filter(has_text="Embauches")
    assert await cells(hired) == ["Embauches", "0", "0", "0 (—)", "0", "0 (—)"]

    # conversion rates between successive stages, "—" where the stage before counts 0
    rates = dashboard.get_by_role("table", name="Taux de passage d'une étape à la suivante")
    assert [await cells(row) for row in await rates.locator("tbody tr").all()] == [
        ["Mises en relation proposées / pairs suggérés", "7 %", "—", "—", "—", "—"],
        ["Mises en relation acceptées / proposées", "75 %", "50 %", "+25 points", "50 %", "+25 points"],
        ["Rencontres / mises en relation acceptées", "50 %", "100 %", f"{MINUS}50 points", "0 %", "+50 points"],
        ["Conventions PMSMP validées / rencontres", "33 %", "0 %", "+33 points", "—", "—"],
        ["Embauches / conventions PMSMP validées", "0 %", "—", "—", "—", "—"],
    ]

    # a stage of 1 beside 120 suggestions keeps a bar one can see; a stage of 0 draws none
    async def bar(stage: str) -> float:
        fill = funnel.get_by_role("listitem").filter(has_text=stage).locator(".fill")
        if not await fill.count():
            return 0
        box = await fill.bounding_box()
        return box["width"] if box else 0

    suggested, one = await bar("Pairs suggérés"), await bar("Conventions PMSMP validées")
    assert one >= 0.1 * suggested and one >= 8, (one, suggested)
    assert await bar("Projets confirmés") == 0

    # the detail over a year, per agency, sector and month, in a 1366 px window without sideways scroll
    await dashboard.get_by_label("Du mois").select_option(label=last_year)
    await dashboard.get_by_role("button", name="Afficher le détail").click()
    detail = dashboard.get_by_role("table", name="Détail des chiffres")
    await expect(detail.get_by_role("row").filter(has_text=last_year)).to_have_count(1)
    rows = detail.locator("tbody tr")
    await expect(rows).to_have_count(3)
    first = await cells(rows.first)
    assert first[0] == last_year and first[1].startswith("Mission locale") and first[2] == "Support à l'entreprise"
    await shoot(dashboard, "dashboard-desktop")
    assert await too_wide(dashboard) == [], "the dashboard scrolls sideways at 1366 px"
    await accessible(dashboard)

    async with dashboard.expect_download() as download:
        await dashboard.get_by_role("button", name="Exporter (CSV)").click()
    exported = (await (await download.value).path()).read_text(encoding="utf-8-sig")
    header, *lines = exported.splitlines()
    assert header.startswith("Mois;Structure;Secteur;Mobilité;") and "Projets ajustés" in header
    assert header.endswith(";Embauches / conventions PMSMP validées (%)"), header
    assert [line.split(";")[0] for line in lines] == [month_shifted(month, -12), month_shifted(month, -1), month]
    assert all(";Support à l'entreprise;" in line for line in lines), exported
    assert lines[-1].split(";")[-5:] == ["6,7", "75,0", "50,0", "33,3", "0,0"], lines[-1]
    assert body["beneficiary"]["last_name"] not in exported

    # chosen and imposed mobility: the convention counts in its beneficiary's imposed transition (a redundancy)
    await dashboard.get_by_label("Regrouper par").select_option(label="Mois et mobilité")
    await dashboard.get_by_role("button", name="Afficher le détail").click()
    imposed = detail.locator("tbody tr").filter(has_text="Mobilité subie")
    await expect(imposed).to_have_count(1)
    said = await cells(imposed)
    assert said[:2] == [french(month), "Mobilité subie"], said
    await expect(imposed.locator('td[data-label="Conventions PMSMP validées"]')).to_have_text("1")

    await dashboard.set_viewport_size(PHONE)
    await shoot(dashboard, "dashboard-phone")
    await dashboard.context.close()
