"""Plausible peers for the demo, in the spreadsheet format of the import tool (deterministic)."""

from __future__ import annotations

import random
from typing import Any

from services.reference import jobs, places

FIRST_NAMES = [
    "Léa",
    "Emma",
    "Chloé",
    "Inès",
    "Manon",
    "Camille",
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
    "Le",
    "Gall",
    "Guérin",
    "Ménard",
    "Rousseau",
    "Blanchard",
    "Pichon",
    "Renaud",
    "Tessier",
]

# Lived paths: each step is (kind, ROME code or "", transition, months, text)
STORIES: list[list[tuple[str, str, str, int, str]]] = [
    [
        ("job", "D1106", "chosen", 48, "Vendeuse en épicerie"),
        ("training", "M1805", "imposed", 10, "Reconversion après la fermeture du magasin"),
        ("job", "M1805", "chosen", 0, "Développeuse dans une ESN"),
    ],
    [
        ("job", "G1602", "chosen", 36, "Commis de cuisine en brasserie"),
        ("unemployment", "", "imposed", 6, "Dos abîmé, il a fallu changer"),
        ("training", "J1501", "chosen", 12, "Diplôme d'aide-soignant"),
        ("job", "J1501", "chosen", 0, "Aide-soignant en EHPAD"),
    ],
    [
        ("unemployment", "", "imposed", 12, "Sorti du lycée sans diplôme"),
        ("immersion", "F1602", "chosen", 1, "Une PMSMP chez un artisan"),
        ("apprenticeship", "F1602", "chosen", 24, "CAP électricien en alternance"),
        ("job", "F1602", "chosen", 0, "Électricien du bâtiment"),
    ],
    [
        ("training", "", "chosen", 24, "BTS non terminé"),
        ("immersion", "N1103", "chosen", 1, "Découverte d'un entrepôt"),
        ("job", "N1103", "chosen", 0, "Préparateur de commandes puis chef d'équipe"),
    ],
    [
        ("job", "M1607", "chosen", 60, "Secrétaire médicale"),
        ("training", "M1203", "chosen", 12, "Titre professionnel de comptable"),
        ("job", "M1203", "chosen", 0, "Comptable en cabinet"),
    ],
    [
        ("job", "A1414", "chosen", 36, "Horticultrice"),
        ("training", "I1603", "chosen", 9, "Formation en mécanique agricole"),
        ("job", "I1603", "chosen", 0, "Mécanicienne en concession agricole"),
    ],
    [
        ("job", "N1105", "imposed", 24, "Manutentionnaire en intérim"),
        ("training", "K2503", "chosen", 3, "Carte professionnelle d'agent de sécurité"),
        ("job", "K2503", "chosen", 0, "Agent de sécurité"),
    ],
    [
        ("job", "J1501", "chosen", 48, "Aide-soignante"),
        ("training", "J1506", "chosen", 36, "Institut de soins infirmiers"),
        ("job", "J1506", "chosen", 0, "Infirmière au CHU"),
    ],
    [
        ("job", "F1703", "chosen", 72, "Maçon"),
        ("apprenticeship", "F1603", "chosen", 24, "Brevet professionnel de plombier"),
        ("job", "F1603", "chosen", 0, "Plombier à son compte"),
    ],
    [
        ("job", "D1401", "chosen", 30, "Assistante commerciale"),
        ("training", "C1206", "chosen", 12, "Licence professionnelle banque"),
        ("job", "C1206", "chosen", 0, "Conseillère bancaire"),
    ],
    [("apprenticeship", "D1202", "chosen", 24, "CAP coiffure"), ("job", "D1202", "chosen", 0, "Coiffeuse en salon")],
    [
        ("unemployment", "", "imposed", 18, "Longue période sans emploi"),
        ("immersion", "K1303", "chosen", 1, "Immersion en crèche"),
        ("training", "J1304", "chosen", 10, "Diplôme d'auxiliaire de puériculture"),
        ("job", "J1304", "chosen", 0, "Auxiliaire de puériculture"),
    ],
    [
        ("job", "G1603", "chosen", 24, "Équipier en restauration rapide"),
        ("training", "N4101", "chosen", 4, "Permis poids lourd financé par France Travail"),
        ("job", "N4101", "chosen", 0, "Chauffeur poids lourd"),
    ],
    [("training", "E1205", "chosen", 36, "DN MADE graphisme"), ("job", "E1205", "chosen", 0, "Graphiste en agence")],
    [
        ("job", "H2909", "imposed", 48, "Assembleur en usine"),
        ("training", "I1304", "chosen", 12, "Technicien de maintenance"),
        ("job", "I1304", "chosen", 0, "Technicien de maintenance industrielle"),
    ],
    [
        ("job", "K2204", "imposed", 36, "Agente de nettoyage"),
        ("training", "K1207", "chosen", 36, "Diplôme d'éducatrice spécialisée"),
        ("job", "K1207", "chosen", 0, "Éducatrice spécialisée en IME"),
    ],
    [
        ("job", "G1703", "chosen", 24, "Réceptionniste d'hôtel"),
        ("training", "C1102", "chosen", 8, "Formation conseiller en assurances"),
        ("job", "C1102", "chosen", 0, "Conseiller en assurances"),
    ],
    [
        ("apprenticeship", "H2102", "chosen", 24, "Bac pro en alternance en industrie alimentaire"),
        ("job", "H2102", "chosen", 0, "Conductrice de ligne"),
    ],
    [
        ("job", "D1211", "chosen", 36, "Vendeur d'articles de sport"),
        ("training", "K2111", "chosen", 6, "Titre de formateur professionnel d'adultes"),
        ("job", "K2111", "chosen", 0, "Formateur"),
    ],
    [
        ("job", "A1203", "chosen", 48, "Agent d'espaces verts"),
        ("training", "M1302", "chosen", 6, "Accompagnement à la création d'entreprise"),
        ("job", "M1302", "chosen", 0, "Gérant de son entreprise de paysage"),
    ],
]
KINDS = ("former_beneficiary", "apprentice", "student", "professional", "mentor")


def _months_back(end_year: int, end_month: int, months: int) -> tuple[int, int]:
    total = end_year * 12 + (end_month - 1) - months
    return total // 12, total % 12 + 1


def peer_rows(
    count: int, seed: int = 52, region_code: str = "52", email_domain: str = "exemple.fr"
) -> list[dict[str, Any]]:
    """`count` rows of the import format, each a different person with a story of STORIES."""
    rng = random.Random(seed)
    towns = sorted(places.in_region(region_code), key=lambda p: -p.population)[:80]
    rows = []
    for n in range(count):
        story = STORIES[n % len(STORIES)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        home = rng.choice(towns)
        row: dict[str, Any] = {
            "first_name": first,
            "last_name": last,
            "email": f"{first}.{last}.{n}@{email_domain}".lower().replace(" ", ""),
            "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "kind": "apprentice" if story[-1][0] == "apprenticeship" else rng.choice(KINDS),
            "visibility": "region" if rng.random() < 0.7 else "agence",
            "consent_region": "oui",
            "place": home.place_id,
            "meeting_modes": rng.choice(["in_person;video", "video;phone", "in_person", "in_person;video;phone"]),
            "company_visits": "oui" if rng.random() < 0.4 else "non",
            "capacity_per_month": str(rng.randint(1, 4)),
            "languages": rng.choice(["fr", "fr", "fr", "fr;en", "fr;ar", "fr;es"]),
            "testimony": f"{story[-1][4]} aujourd'hui, je raconte volontiers mon parcours.",
            "vetted": "oui" if rng.random() < 0.5 else "non",
        }
        year, month = 2026, rng.randint(1, 10)
        spans = [max(1, months) if months else rng.randint(6, 30) for *_, months, _ in story]
        start = _months_back(year, month, sum(spans))
        for index, ((kind, rome, transition, _, text), span) in enumerate(zip(story, spans, strict=True), start=1):
            end = _months_back(start[0], start[1], -span + 1)
            last_step = index == len(story)
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
