"""From yes to a meeting, in a real headless Chromium on the running platform: the counsellor proposes an
introduction, the peer accepts from the caught e-mail on a phone and chooses how to be reached, the
counsellor reads that contact, the peer proposes two slots, the counsellor picks one, both caught e-mails
carry a calendar invitation a real iCalendar parser reads, and feedback opens only once the meeting's date
has come, with nothing chosen in advance. Screenshots: docs/screenshots/meeting-*.png."""

from __future__ import annotations

import math
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
from playwright.async_api import Browser, Page, expect

from tests.integration import test_console as console_pages
from tests.integration.conftest import MailCatcher
from tests.integration.support import accept_charter, wait_until
from tests.integration.test_console import (
    DESKTOP,
    PEER_LINKS,
    PHONE,
    accessible,
    regional_peer,
    shoot,
    signed_in,
    team,
)
from tests.integration.test_notifications import mail_to
from tests.integration.test_placements import new_beneficiary
from tests.integration.test_profiles_beneficiaries_api import Agency

pytestmark = pytest.mark.integration

# the browser and the console's address, the fixtures of the console's other browser tests
browser = console_pages.browser
console = console_pages.console

PARIS = ZoneInfo("Europe/Paris")
REGION = "93"  # a region of its own: no other file's beneficiaries take this peer's share of top lists
PHONE_NUMBER = "06 12 34 56 78"


def local_minute(moment: datetime) -> str:
    """As a datetime-local field takes it, in Paris (the browsers of these tests are in Paris)."""
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def invitation_of(email: dict[str, object]) -> icalendar.Event:
    attachments = [a for a in email["attachments"] if a["filename"].endswith(".ics")]  # type: ignore[attr-defined]
    assert len(attachments) == 1, email
    calendar = icalendar.Calendar.from_ical(attachments[0]["content"])
    assert calendar["METHOD"] == "REQUEST" and calendar.walk("VTIMEZONE")
    [event] = calendar.walk("VEVENT")
    return event


async def phone_page(browser: Browser, console: str) -> Page:
    context = await browser.new_context(
        viewport=PHONE, base_url=console, is_mobile=True, has_touch=True, locale="fr-FR", timezone_id="Europe/Paris"
    )
    return await context.new_page()


async def test_from_yes_to_a_meeting_in_the_browser(
    browser: Browser, console: str, profiles: httpx.AsyncClient, mail: MailCatcher
) -> None:
    nantes = await team(profiles, "Mission locale", REGION)
    surname = f"Benali{uuid.uuid4().hex[:4]}"
    body = regional_peer(surname)
    body["identity"] = {**body["identity"], "phone": PHONE_NUMBER}
    published = await profiles.post("/peers", json=body, headers=nantes.counsellor.headers)
    assert published.status_code == 201, published.text
    await accept_charter(profiles, published.json()["peer_id"])
    beneficiary_id = await new_beneficiary(profiles, Agency(nantes.agency_id, nantes.counsellor.headers, {}))

    counsellor = await signed_in(browser, console, nantes.counsellor, DESKTOP)
    await counsellor.goto(f"/console/beneficiaries/{beneficiary_id}")
    suggestion = counsellor.locator("#suggestions li.card").filter(has_text=surname)

    async def suggested() -> bool:
        if await suggestion.count():
            return True
        await counsellor.reload()
        await counsellor.locator("#suggestions h2").wait_for()
        return bool(await suggestion.count())

    await wait_until(suggested, timeout=90, what="the peer among the suggestions")
    await suggestion.get_by_role("button", name="Proposer une rencontre").click()
    await suggestion.get_by_label("Message pour le pair").fill("Inès aimerait comprendre votre métier.")
    await suggestion.get_by_label("La personne accompagnée est d'accord pour rencontrer ce pair").check()
    await suggestion.get_by_role("button", name="Envoyer la demande").click()
    await expect(suggestion.get_by_text("Demande envoyée")).to_be_visible()

    [request] = await mail_to(mail, body["identity"]["email"], "Une personne aimerait échanger")
    answer_link = next(url for url in PEER_LINKS.findall(request["text"]) if "/links/introductions/" in url)
    phone = await phone_page(browser, console)
    await phone.goto(answer_link)
    await expect(phone.get_by_text("Inès aimerait comprendre votre métier.")).to_be_visible()
    await phone.get_by_label("Par téléphone").check()
    await shoot(phone, "meeting-peer-accepts-phone")
    await accessible(phone)
    await phone.get_by_role("button", name="J'accepte").click()
    await expect(phone.get_by_role("status").filter(has_text="Merci !")).to_be_visible()
    await expect(phone.get_by_role("heading", name="Après la rencontre")).to_have_count(0)

    await counsellor.goto("/console/introductions")
    card = counsellor.locator("li.card").filter(has_text="Acceptée")
    await expect(card).to_have_count(1)
    await card.get_by_label("Votre message").fill("Merci ! Je vous appelle demain pour préparer la rencontre.")
    await card.get_by_role("button", name="Envoyer le message").click()
    await expect(card.locator("#thread")).to_contain_text("Je vous appelle demain")
    await card.get_by_role("button", name="Comment joindre le pair").click()
    await expect(card.get_by_role("link", name=PHONE_NUMBER)).to_be_visible()
    await expect(card.locator(".contact")).to_contain_text("Joindre le pair : Par téléphone")
    assert await card.get_by_text(body["identity"]["email"]).count() == 0, "only the way the peer chose"
    await shoot(counsellor, "meeting-counsellor-sees-contact-desktop")
    await card.get_by_role("link", name="Fiche de préparation").click()
    await expect(counsellor.get_by_role("heading", name="Préparer son enquête métier")).to_be_visible()
    questions = counsellor.locator("section").filter(has=counsellor.get_by_role("heading", name="Questions à poser"))
    await expect(questions.locator("li")).to_have_count(7)
    await expect(counsellor.get_by_text("une expérience parmi d'autres")).to_be_visible()
    await shoot(counsellor, "preparation-sheet-desktop")
    await accessible(counsellor)
    await counsellor.goto("/console/introductions")
    card = counsellor.locator("li.card").filter(has_text="Acceptée")

    # the first slot in two or three minutes (feedback opens once it has come), the second in three days
    now = datetime.now(PARIS)
    soon = now.replace(second=0, microsecond=0) + timedelta(minutes=math.ceil(2 + now.second / 60))
    later = (now + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    await phone.reload()
    await expect(phone.locator("#thread")).to_contain_text("Je vous appelle demain")
    for n, (moment, place) in enumerate(((soon, "Café du Commerce, Nantes"), (later, "Médiathèque, Nantes")), start=1):
        slot = phone.locator("#slots-form fieldset").nth(n - 1)
        await slot.get_by_label("Date et heure").fill(local_minute(moment))
        await slot.get_by_label("Lieu (adresse) ou lien de la visio").fill(place)
    await shoot(phone, "meeting-peer-proposes-slots-phone")
    await accessible(phone)
    await phone.get_by_role("button", name="Proposer ces dates").click()
    await expect(phone.get_by_role("status").filter(has_text="Vos dates sont proposées")).to_be_visible()

    await counsellor.reload()
    card = counsellor.locator("li.card").filter(has_text="Acceptée")
    choices = card.get_by_role("button", name="Choisir ce créneau")
    await expect(choices).to_have_count(2)
    await expect(card.get_by_text("Médiathèque, Nantes")).to_be_visible()
    await shoot(counsellor, "meeting-counsellor-picks-desktop")
    await accessible(counsellor)
    await choices.first.click()
    await expect(card.get_by_text("Rencontre prévue")).to_be_visible()
    await expect(card.get_by_text("Café du Commerce, Nantes")).to_be_visible()

    for to in (body["identity"]["email"], nantes.counsellor.email):
        [invited] = await mail_to(mail, to, "Rencontre fixée")
        event = invitation_of(invited)
        assert event.decoded("DTSTART") == soon and event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert str(event["LOCATION"]) == "Café du Commerce, Nantes" and str(event["UID"]).endswith("@parcours")
        assert str(event["ATTENDEE"]) == f"mailto:{to}"

    await phone.reload()
    await expect(phone.get_by_text("Rencontre prévue")).to_be_visible()
    await expect(phone.get_by_role("heading", name="Après la rencontre")).to_have_count(0)
    await shoot(phone, "meeting-peer-scheduled-phone")
    counsellor_feedback = counsellor.locator("#feedback-form")
    await expect(counsellor_feedback).to_have_count(0)

    async def date_has_come() -> bool:  # the clock only: the link's routes are rate-limited
        return datetime.now(PARIS) >= soon

    await wait_until(date_has_come, timeout=240, what="the meeting's date to come")
    await phone.reload()
    await expect(phone.get_by_role("heading", name="Après la rencontre")).to_be_visible(timeout=15_000)
    form = phone.locator("#feedback-form")
    await expect(form.locator("input:checked")).to_have_count(0)
    await shoot(phone, "meeting-peer-feedback-phone")
    await accessible(phone)
    await form.get_by_role("button", name="Envoyer le retour").click()
    await expect(form.locator("[aria-invalid=true]").first).to_be_visible()  # nothing chosen: it says so
    await form.get_by_label("Oui").check()
    await form.get_by_label("5", exact=True).check()
    await form.get_by_role("button", name="Envoyer le retour").click()
    await expect(phone.get_by_role("status").filter(has_text="Merci pour votre retour")).to_be_visible()

    await counsellor.reload()
    counsellor_feedback = counsellor.locator("#feedback-form")
    await expect(counsellor_feedback.get_by_label(re.compile("le pair n'est pas venu"))).to_be_visible()
    await expect(counsellor_feedback.locator("input:checked")).to_have_count(0)
    await counsellor_feedback.get_by_label("Oui").check()
    await counsellor_feedback.get_by_label("4", exact=True).check()
    await counsellor_feedback.get_by_label("Le projet s'ajuste").check()
    await counsellor_feedback.get_by_label("Ce que la personne en retient").fill("Le travail en équipe lui plaît.")
    await shoot(counsellor, "debrief-counsellor-desktop")
    await counsellor_feedback.get_by_role("button", name="Envoyer le retour").click()
    await expect(counsellor.locator("#toasts .toast").filter(has_text="Retour enregistré")).to_be_visible()
    await counsellor.goto(f"/console/beneficiaries/{beneficiary_id}")
    debrief = counsellor.locator(".debrief")
    await expect(debrief).to_have_text("Le projet s'ajuste : « Le travail en équipe lui plaît. »")
    await counsellor.context.close()
    await phone.context.close()
