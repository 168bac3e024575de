"""Plausible peers for the demo, in the spreadsheet format of the import tool (deterministic).

Each peer's lived path is one of many: where they came from (ORIGINS), how they reached their trade
(ROUTES) and which trade (TARGETS). Every peer of the sequence has a combination of their own (the
sequence is shared by the agencies through `first`), so no two peers a beneficiary is offered tell the same
story; and every job in a path is written in the gender form of the peer's first name ("Lucas, développeur
informatique", "Léa, développeuse informatique"; "Camille" either)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any

from services.reference import jobs, labels, places
from services.reference.text import fold

FEMALE_NAMES = [
    "Léa",
    "Emma",
    "Chloé",
    "Inès",
    "Manon",
    "Sarah",
    "Jade",
    "Louise",
    "Zoé",
    "Lina",
    "Yasmine",
    "Nour",
    "Maëlys",
    "Anaïs",
    "Clara",
    "Océane",
    "Amina",
    "Fatou",
]
MALE_NAMES = [
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Enzo",
    "Mathis",
    "Yanis",
    "Noah",
    "Adam",
    "Karim",
    "Mehdi",
    "Théo",
    "Tom",
    "Maxime",
    "Antoine",
    "Ibrahim",
    "Moussa",
    "Kevin",
]
EPICENE_NAMES = ["Camille", "Sacha", "Charlie"]  # either gender
FIRST_NAMES = FEMALE_NAMES + MALE_NAMES + EPICENE_NAMES
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Diallo",
    "Nguyen",
    "Le Gall",
    "Guérin",
    "Ménard",
    "Rousseau",
    "Blanchard",
    "Pichon",
    "Renaud",
    "Tessier",
]


@dataclass(frozen=True)
class Target:
    """A trade peers work in today: its ROME sheet, a training that leads to it, where they work."""

    rome: str
    training: str
    workplace: str


@dataclass(frozen=True)
class Origin:
    """Where a path starts: a job (ROME sheet) or a situation, and why the person moved on."""

    kind: str
    rome: str  # "" for a situation
    text: tuple[str, str]  # (masculine, feminine); "{job}" is the job's label in that gender
    left: str  # why they moved on, as the next step says it ("après un licenciement économique")
    transition: str  # into the next step: chosen or imposed


@dataclass(frozen=True)
class Route:
    """How the person reached the trade: the steps between the origin and the job."""

    name: str
    steps: tuple[tuple[str, int], ...]  # (kind, months) in the target's ROME sheet
    testimony: str


TARGETS = [
    Target("M1805", "Titre professionnel de développeur web", "dans une ESN"),
    Target("J1501", "Diplôme d'État d'aide-soignant", "en EHPAD"),
    Target("F1602", "CAP électricien", "chez un artisan"),
    Target("N1103", "Certificat de préparateur de commandes", "dans un entrepôt logistique"),
    Target("M1203", "Titre professionnel de comptable assistant", "en cabinet d'expertise"),
    Target("I1603", "Formation en mécanique agricole", "en concession agricole"),
    Target("K2503", "Certificat d'agent de sécurité (CQP APS)", "sur un site industriel"),
    Target("J1506", "Diplôme d'État d'infirmier", "au CHU"),
    Target("F1603", "Brevet professionnel de plombier", "à son compte"),
    Target("C1206", "Licence professionnelle banque", "dans une agence bancaire"),
    Target("D1202", "CAP coiffure", "en salon"),
    Target("J1304", "Diplôme d'auxiliaire de puériculture", "en crèche"),
    Target("N4101", "Permis poids lourd et FIMO", "dans une entreprise de transport"),
    Target("E1205", "DN MADE graphisme", "en agence de communication"),
    Target("I1304", "BTS maintenance des systèmes", "dans une usine agroalimentaire"),
    Target("K1207", "Diplôme d'État d'éducateur spécialisé", "en IME"),
    Target("C1102", "Formation de conseiller en assurances", "dans une mutuelle"),
    Target("H2102", "Bac pro pilote de ligne de production", "dans une conserverie"),
    Target("K2111", "Titre de formateur professionnel d'adultes", "dans un organisme de formation"),
]
ORIGINS = [
    Origin("job", "D1106", ("{job}", "{job}"), "après la fermeture du magasin", "imposed"),
    Origin("job", "G1602", ("{job} en brasserie", "{job} en brasserie"), "à cause d'un dos abîmé", "imposed"),
    Origin("job", "N1105", ("{job} en intérim", "{job} en intérim"), "pour sortir des missions trop courtes", "chosen"),
    Origin("job", "K2204", ("{job}", "{job}"), "pour un métier qui ait plus de sens", "chosen"),
    Origin("job", "G1703", ("{job} d'hôtel", "{job} d'hôtel"), "pour quitter des horaires de nuit épuisants", "chosen"),
    Origin("job", "H2909", ("{job} en usine", "{job} en usine"), "après un licenciement économique", "imposed"),
    Origin("job", "M1607", ("{job} médical", "{job} médicale"), "pour changer de voie", "chosen"),
    Origin("job", "D1211", ("{job}", "{job}"), "après le rachat du magasin", "imposed"),
    Origin("job", "A1203", ("{job}", "{job}"), "à cause d'une allergie au pollen", "imposed"),
    Origin("job", "F1703", ("{job}", "{job}"), "après un accident de chantier", "imposed"),
    Origin("job", "D1401", ("{job}", "{job}"), "pour un métier de terrain", "chosen"),
    Origin("job", "G1603", ("{job}", "{job}"), "après des études de commerce", "chosen"),
    Origin("unemployment", "", ("Sorti du lycée sans diplôme", "Sortie du lycée sans diplôme"), "", "chosen"),
    Origin("training", "", ("Deux années de licence arrêtées", "Deux années de licence arrêtées"), "", "chosen"),
]
ROUTES = [
    Route("training", (("training", 10),), "La formation m'a donné les bases, le terrain a fait le reste."),
    Route("apprenticeship", (("apprenticeship", 24),), "L'alternance m'a permis d'apprendre sur le terrain."),
    Route("immersion", (("immersion", 1),), "Quelques semaines d'immersion ont suffi pour que je me lance."),
    Route("immersion and training", (("immersion", 1), ("training", 9)), "J'ai testé le métier avant de me former."),
]
Step = tuple[str, str, str, int, str]  # kind, ROME (or ""), transition into it, months, what the peer says
KINDS = ("former_beneficiary", "student", "professional", "mentor")


def stories() -> list[tuple[Target, Origin, Route]]:
    """Every combination once, in an order that spreads trades and origins evenly (fixed seed): the n-th peer
    of the sequence tells the n-th story."""
    combinations = [
        (target, origin, route)
        for target, origin, route in itertools.product(TARGETS, ORIGINS, ROUTES)
        if origin.rome[:3] != target.rome[:3]
    ]
    random.Random(2026).shuffle(combinations)
    return combinations


def job_words(rome: str, feminine: bool) -> str:
    """The ROME label in the person's gender: 'Développeuse informatique'."""
    return labels.gendered(labels.job(rome), feminine)


def _months_back(end_year: int, end_month: int, months: int) -> tuple[int, int]:
    total = end_year * 12 + (end_month - 1) - months
    return total // 12, total % 12 + 1


def people() -> list[tuple[str, str]]:
    """Every (first name, last name) once, in a fixed shuffled order: the n-th peer of the sequence is the
    n-th person, so that no two demo peers share a name, whichever agency they are in."""
    names = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    random.Random(52).shuffle(names)
    return names


def _path(target: Target, origin: Origin, route: Route, feminine: bool, rng: random.Random) -> list[Step]:
    """(kind, ROME, transition, months, text) from the oldest step; the last one goes on."""
    form = 1 if feminine else 0
    start_words = origin.text[form].format(job=job_words(origin.rome, feminine) if origin.rome else "")
    steps = [(origin.kind, origin.rome, "chosen", rng.randint(12, 60), start_words)]
    for index, (kind, months) in enumerate(route.steps):
        transition = origin.transition if index == 0 else "chosen"
        words = {
            "training": target.training,
            "apprenticeship": f"{target.training} en alternance",
            "immersion": f"Immersion (PMSMP) {target.workplace}",
        }[kind]
        if index == 0 and origin.left:
            words = f"{words}, {origin.left}"
        steps.append((kind, target.rome, transition, months, words))
    steps.append(
        (
            "job",
            target.rome,
            "chosen",
            rng.randint(4, 60),
            f"{job_words(target.rome, feminine)} {target.workplace}",
        )
    )
    return steps


def peer_rows(
    count: int, seed: int = 52, region_code: str = "52", email_domain: str = "exemple.fr", first: int = 0
) -> list[dict[str, Any]]:
    """`count` rows of the import format: the stories `first` to `first + count` of the sequence (it starts
    again after its end), each told by a different person."""
    rng = random.Random(seed)
    towns = sorted(places.in_region(region_code), key=lambda p: -p.population)[:80]
    sequence = stories()
    persons = people()
    emails: set[str] = set()
    rows = []
    for n in range(count):
        target, origin, route = sequence[(first + n) % len(sequence)]
        given, family = persons[(first + n) % len(persons)]
        feminine = given in FEMALE_NAMES or (given in EPICENE_NAMES and rng.random() < 0.5)
        local = f"{fold(given)}.{fold(family)}".replace(" ", "-")
        email = next(
            f"{local}{suffix}@{email_domain}"
            for suffix in ("", *range(2, count + 2))
            if f"{local}{suffix}" not in emails
        )
        emails.add(email.split("@")[0])
        home = rng.choice(towns)
        steps = _path(target, origin, route, feminine, rng)
        row: dict[str, Any] = {
            "first_name": given,
            "last_name": family,
            "email": email,
            "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "kind": "apprentice" if route.name == "apprenticeship" and rng.random() < 0.5 else rng.choice(KINDS),
            "visibility": "region" if rng.random() < 0.7 else "agence",
            "consent_region": "oui",
            "place": home.place_id,
            "meeting_modes": rng.choice(["in_person;video", "video;phone", "in_person", "in_person;video;phone"]),
            "company_visits": "oui" if rng.random() < 0.4 else "non",
            "capacity_per_month": str(rng.randint(1, 4)),
            "languages": rng.choice(["fr", "fr", "fr", "fr;en", "fr;ar", "fr;es"]),
            "testimony": f"{steps[-1][4]} aujourd'hui. {route.testimony}",
            "vetted": "oui" if rng.random() < 0.5 else "non",
        }
        year, month = 2026, rng.randint(1, 10)
        spans = [step[3] for step in steps]
        # the move into the trade starts after May 2021 (the sample spreadsheets' broken rows rely on it)
        spans[-1] = min(spans[-1], (year - 2021) * 12 + month - 6 - sum(spans[1:-1]))
        start = _months_back(year, month, sum(spans))
        for index, ((kind, rome, transition, _, text), span) in enumerate(zip(steps, spans, strict=True), start=1):
            end = _months_back(start[0], start[1], -span + 1)
            last_step = index == len(steps)
            row.update(
                {
                    f"step{index}_kind": kind,
                    f"step{index}_rome": rome,
                    f"step{index}_naf": (jobs.sectors_of(rome) or ("",))[0] if rome and kind == "job" else "",
                    f"step{index}_start": f"{start[0]}-{start[1]:02d}",
                    f"step{index}_end": "" if last_step else f"{end[0]}-{end[1]:02d}",
                    f"step{index}_transition": transition,
                    f"step{index}_place": home.place_id if kind == "job" else "",
                    f"step{index}_text": text,
                }
            )
            start = _months_back(end[0], end[1], -1)
        rows.append(row)
    return rows
