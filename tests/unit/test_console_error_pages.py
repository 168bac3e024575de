"""The console answers a person's browser with French pages when an address is wrong or a page fails, and
keeps the one JSON shape for its APIs; it has a favicon."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.console.api import pages
from services.console.app import answer_pages_in_html
from services.kit.errors import answer_errors
from tests.french import english_words, problems_of_error

HTML = {"accept": "text/html,application/xhtml+xml"}


def console() -> TestClient:
    app = FastAPI()
    answer_errors(app)
    answer_pages_in_html(app)
    app.include_router(pages.router)

    @app.get("/console/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/api/console/boom")
    async def api_boom() -> None:
        raise RuntimeError("a bug")

    return TestClient(app, raise_server_exceptions=False)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<head>.*</head>", "", html, flags=re.S)))


def test_a_wrong_page_address_is_a_french_404_page_with_a_way_back() -> None:
    answer = console().get("/console/nulle-part", headers=HTML)
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")
    text = visible_text(answer.text)
    assert "Page introuvable" in text and "Revenir à l'accueil" in text and english_words(text) == []
    assert '<html lang="fr">' in answer.text and 'rel="icon"' in answer.text


def test_a_page_that_fails_is_a_french_error_page_and_an_api_that_fails_is_json() -> None:
    client = console()
    page = client.get("/console/boom", headers=HTML)
    assert page.status_code == 500 and "Une erreur est survenue" in page.text
    assert english_words(visible_text(page.text)) == []
    api = client.get("/api/console/boom", headers=HTML)
    assert api.status_code == 500 and api.json()["code"] == "internal_error" and problems_of_error(api.json()) == []


def test_an_api_or_a_script_keeps_the_json_shape() -> None:
    client = console()
    for path, headers in (("/api/nulle-part", HTML), ("/console/nulle-part", {"accept": "application/json"})):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and problems_of_error(answer.json()) == [], path


def test_the_favicon_is_an_svg() -> None:
    answer = console().get("/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.text.lstrip().startswith("<svg")
