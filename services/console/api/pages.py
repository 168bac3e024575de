"""The web pages: each is the same accessible shell (French, a title of its own, a skip link, a live
region for messages) around one script that reads the APIs through `/api/<service>/`."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent.parent / "static"


@dataclass(frozen=True)
class Page:
    script: str
    title: str
    staff: bool = True  # staff pages have the navigation and the live notification area


# every section; each page's script removes the ones the person's roles are not for (static/roles.js)
NAVIGATION = (
    ("/console/beneficiaries", "Bénéficiaires"),
    ("/console/introductions", "Mises en relation"),
    ("/console/testimonies", "Témoignages"),
    ("/console/gatherings", "Forums et journées"),
    ("/console/conventions", "Immersions PMSMP"),
    ("/console/conventions/to-validate", "À valider"),
    ("/console/agency", "Ma structure"),
    ("/console/dashboard", "Tableau de bord"),
)


def _head(title: str) -> str:
    """Every console page's head: its French title, the style sheet and the favicon."""
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Parcours</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>"""


def shell(page: Page) -> HTMLResponse:
    title = escape(page.title)
    header = (
        """<header class="bar"><a class="brand" href="/console">Parcours</a>
<nav aria-label="Navigation principale" hidden><ul>"""
        + "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in NAVIGATION)
        + """</ul></nav>
<div class="who"><span id="who"></span>
<button type="button" id="bell" class="bell" aria-expanded="false" aria-controls="inbox-panel">
Notifications <span id="unread" class="badge">0</span><span class="visually-hidden"> non lues</span></button>
<button type="button" id="logout" class="link">Se déconnecter</button></div>
<section id="inbox-panel" class="inbox-panel" hidden aria-label="Notifications"></section>
</header>"""
        if page.staff
        else '<header class="bar"><span class="brand">Parcours</span></header>'
    )
    return HTMLResponse(
        f"""<!doctype html>
<html lang="fr">
{_head(title)}
<body data-staff="{str(page.staff).lower()}">
<a class="skip" href="#main">Aller au contenu</a>
{header}
<main id="main" tabindex="-1">
<h1 id="title">{title}</h1>
<div id="page" aria-busy="true"><p>Chargement…</p></div>
</main>
<div id="toasts" class="toasts" role="status" aria-live="polite"></div>
<script type="module" src="/static/pages/{page.script}.js"></script>
</body>
</html>""",
        headers={"Cache-Control": "no-store"},
    )


def _add(path: str, page: Page) -> None:
    async def render() -> HTMLResponse:
        return shell(page)

    router.add_api_route(path, render, methods=["GET"], response_class=HTMLResponse, name=path)


for _path, _page in {
    "/console/login": Page("login", "Connexion", staff=False),
    "/console/beneficiaries": Page("beneficiaries", "Mes bénéficiaires"),
    "/console/beneficiaries/new": Page("beneficiary_form", "Nouveau bénéficiaire"),
    "/console/beneficiaries/{beneficiary_id}": Page("beneficiary", "Bénéficiaire"),
    "/console/beneficiaries/{beneficiary_id}/edit": Page("beneficiary_form", "Modifier le bénéficiaire"),
    "/console/peers/{peer_id}": Page("peer", "Parcours d'un pair"),
    "/console/introductions": Page("introductions", "Suivi des mises en relation"),
    "/console/introductions/{introduction_id}": Page("introductions", "Suivi des mises en relation"),
    "/console/introductions/{introduction_id}/preparation": Page("preparation", "Fiche de préparation"),
    "/console/gatherings": Page("gatherings", "Forums, salons et journées portes ouvertes"),
    "/console/gatherings/{gathering_id}": Page("gathering", "Événement"),
    "/console/conventions": Page("conventions", "Immersions PMSMP"),
    "/console/conventions/new": Page("convention_form", "Nouvelle convention d'immersion"),
    "/console/conventions/to-validate": Page("to_validate", "Conventions à valider"),
    "/console/agency": Page("agency", "Ma structure"),
    "/console": Page("home", "Parcours", staff=False),
    "/console/conventions/{convention_id}": Page("convention", "Convention d'immersion"),
    "/console/conventions/{convention_id}/edit": Page("convention_form", "Modifier la convention"),
    "/console/notifications": Page("notifications", "Mes notifications"),
    "/console/dashboard": Page("dashboard", "Tableau de bord régional"),
    "/links/conventions/{convention_id}/{token}": Page("link_convention", "Convention d'immersion", staff=False),
    "/links/introductions/{token}": Page("link_introduction", "Demande de rencontre", staff=False),
    "/links/peers/{token}": Page("link_peer", "Mon profil de pair", staff=False),
    "/links/testimonies/{token}": Page("link_testimony", "Témoignage", staff=False),
    "/console/testimonies": Page("testimonies", "Témoignages"),
}.items():
    _add(_path, _page)


# what a person reads instead of JSON when a page's address is wrong, or when something fails
PAGE_ERRORS: dict[int, tuple[str, str]] = {
    404: ("Page introuvable", "L'adresse demandée n'existe pas, ou plus. Vérifiez-la, ou repartez de l'accueil."),
    405: ("Page introuvable", "Cette adresse ne s'ouvre pas ainsi. Repartez de l'accueil."),
}
SERVER_ERROR = (
    "Une erreur est survenue",
    "La page n'a pas pu s'afficher. Réessayez dans un instant ; si cela se reproduit, prévenez votre "
    "administrateur en indiquant l'heure.",
)


def error_page(status_code: int) -> HTMLResponse:
    """The console's own page for a wrong address (404) or a failure (5xx): French, with a way back."""
    title, text = PAGE_ERRORS.get(status_code, SERVER_ERROR if status_code >= 500 else PAGE_ERRORS[404])
    return HTMLResponse(
        f"""<!doctype html>
<html lang="fr">
{_head(title)}
<body>
<a class="skip" href="#main">Aller au contenu</a>
<header class="bar"><a class="brand" href="/console">Parcours</a></header>
<main id="main" tabindex="-1">
<h1 id="title">{title}</h1>
<div class="card" role="alert" data-status="{status_code}">
<p>{text}</p>
<p><a href="/console">Revenir à l'accueil</a></p>
</div>
</main>
</body>
</html>""",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def wants_page(request: Request) -> bool:
    """A person's browser asking for a page (not a script, a file or an API, which keep their JSON)."""
    path = request.url.path
    return (
        request.method == "GET"
        and not path.startswith(("/api/", "/static/"))
        and "text/html" in request.headers.get("accept", "")
    )


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


@router.get("/")
async def home() -> RedirectResponse:
    """To `/console`, whose script sends each role where its work is."""
    return RedirectResponse("/console")


@router.get("/console/suggestions/{beneficiary_id}")
async def suggestions(beneficiary_id: str) -> RedirectResponse:
    """Where a suggestion's notification points: the beneficiary's page lists their suggestions."""
    return RedirectResponse(f"/console/beneficiaries/{beneficiary_id}#suggestions")
