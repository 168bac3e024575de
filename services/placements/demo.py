"""Demo conventions that `make run` adds once after profiles' demo data, through the public APIs, for the
Nantes counsellor: a draft, one sent to the employer, one the beneficiary has signed, one waiting for the
validator and one validated. It prints the employer's link, as notifications would e-mail it."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from services.contracts.links import CONVENTION_PARTY, convention_link
from services.kit import links
from services.kit.dead_letters import read_topic
from services.placements.api.conventions import EXAMPLE
from services.profiles.demo import DEMO_PASSWORD, demo_email

# host, SIRET, tutor's job, ROME job, operational objectives, tasks
HOSTS = (
    (
        "Atelier numérique de l'Erdre",
        "73282932000074",
        "Développeur senior",
        "M1805",
        ["Participer à une revue de code", "Corriger une anomalie simple avec l'équipe"],
        "Observer l'équipe, tester une application, corriger une anomalie avec un développeur",
    ),
    (
        "Boulangerie Le Fournil Nantais",
        "44306184100047",
        "Artisan boulanger",
        "D1102",
        ["Façonner des baguettes selon les gestes du métier", "Tenir le rythme d'une fournée du matin"],
        "Pesée, pétrissage et façonnage avec le boulanger, cuisson, mise en rayon",
    ),
    (
        "Clinique vétérinaire des Dervallières",
        "40483304800022",
        "Auxiliaire vétérinaire",
        "A1501",
        ["Accueillir les propriétaires et leurs animaux", "Préparer une salle de consultation"],
        "Accueil, entretien et désinfection du matériel, soins courants aux animaux hospitalisés",
    ),
    (
        "Garage Atlantique Auto",
        "55210055400013",
        "Chef d'atelier",
        "I1604",
        ["Réaliser une vidange encadrée", "Diagnostiquer une panne simple avec le mécanicien"],
        "Entretien courant des véhicules, préparation des pièces, essais avec le chef d'atelier",
    ),
    (
        "Jardins de la Chézine",
        "38012986600089",
        "Chef d'équipe paysagiste",
        "A1203",
        ["Tailler une haie en sécurité", "Tenir son rôle dans une équipe de chantier"],
        "Tonte, taille, désherbage et plantations sur les chantiers de l'équipe",
    ),
)
STAGES = ("draft", "sent", "beneficiary signed", "waiting for validation", "validated")


def _login(profiles_url: str, local: str) -> dict[str, str]:
    body = {"email": demo_email(local, "nantes"), "password": DEMO_PASSWORD}
    token = httpx.post(f"{profiles_url}/auth/login", json=body, timeout=10).raise_for_status().json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _body(person: dict[str, Any], host: tuple[str, str, str, str, list[str], str], start: date) -> dict[str, Any]:
    name, siret, tutor_title, job, objectives, tasks = host
    body = copy.deepcopy(EXAMPLE)
    slug = name.split()[0].lower()
    body |= {
        "beneficiary_id": person["beneficiary_id"],
        "rome_code": job,
        "operational_objectives": objectives,
        "tasks": tasks,
        "evaluation": "Bilan avec le tuteur le dernier jour, objectif par objectif",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=11)).isoformat(),
    }
    body["beneficiary"] = {
        "first_name": person["identity"]["first_name"],
        "last_name": person["identity"]["last_name"],
        "email": f"{person['identity']['first_name'].lower()}@beneficiaire.parcours.test",
        "phone": person["identity"].get("phone", ""),
    }
    address = f"{3 + len(name) % 40} rue de la Fosse, 44000 Nantes"
    body["host"] |= {"name": name, "siret": siret, "address": address, "email": f"contact@{slug}.parcours.test"}
    body["tutor"] |= {"job_title": tutor_title, "email": f"tuteur@{slug}.parcours.test"}
    if person["minor"]:
        guardian = person["identity"]["guardian"] or {}
        body["legal_representative"] = {
            "name": guardian.get("name") or "Représentant légal",
            "email": guardian.get("email") or "representant@parcours.test",
            "phone": guardian.get("phone", ""),
        }
    return body


def _link(kafka: str, convention_id: str, role: str, purpose: str) -> str:
    """The latest link of a role and purpose, from the events (placements keeps only its hash)."""
    for _ in range(20):
        records = asyncio.run(read_topic(kafka, "placements.convention", lambda r: r.key == convention_id.encode()))
        issued = [
            e["payload"]
            for e in (json.loads(r.value) for r in records)
            if e["event_type"] == "placements.convention.link_issued"
            and e["payload"]["role"] == role
            and e["payload"]["purpose"] == purpose
        ]
        if issued:
            p = issued[-1]
            token = convention_link(
                links.local_key(), convention_id, role, p["link_id"], datetime.fromisoformat(p["expires_at"])
            )
            return CONVENTION_PARTY.url("", token, convention_id=convention_id)
        time.sleep(0.5)
    raise RuntimeError(f"no {purpose} link for the {role} of {convention_id}")


def main() -> int:
    profiles_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_PROFILES_PORT', '8001')}"
    placements_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_PLACEMENTS_PORT', '8003')}"
    kafka = os.environ.get(
        "PARCOURS_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{os.environ.get('PARCOURS_KAFKA_PORT', '9092')}"
    )
    counsellor, validator = _login(profiles_url, "conseil"), _login(profiles_url, "validation")
    with httpx.Client(base_url=placements_url, timeout=15) as placements:
        if placements.get("/conventions", headers=counsellor).raise_for_status().json():
            print("demo conventions: already there")
            return 0
        people = httpx.get(f"{profiles_url}/beneficiaries", headers=counsellor, params={"limit": 10}, timeout=10)
        monday = date.today() + timedelta(days=21 - date.today().weekday())
        made: list[str] = []
        for person, host in zip(people.raise_for_status().json(), HOSTS, strict=False):
            answer = placements.post("/conventions", json=_body(person, host, monday), headers=counsellor)
            if answer.status_code != 201:
                print(f"demo conventions: {answer.status_code} {answer.text}", file=sys.stderr)
                return 0
            made.append(answer.json()["convention_id"])
        for convention_id in made[1:]:
            placements.post(f"/conventions/{convention_id}/send", headers=counsellor).raise_for_status()
        employer_link = _link(kafka, made[1], "employer", "confirm")
        for convention_id in made[2:]:
            placements.post(_link(kafka, convention_id, "employer", "confirm") + "/confirm").raise_for_status()
            placements.post(_link(kafka, convention_id, "beneficiary", "sign") + "/sign").raise_for_status()
        for convention_id in made[3:]:
            record = placements.get(f"/conventions/{convention_id}", headers=counsellor).raise_for_status().json()
            for role in record["waiting_for"]:
                placements.post(_link(kafka, convention_id, role, "sign") + "/sign").raise_for_status()
        for convention_id in made[4:]:
            placements.post(f"/conventions/{convention_id}/validate", headers=validator).raise_for_status()
    print(f"demo conventions: {len(made)} added ({', '.join(STAGES[: len(made)])})")
    console_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_CONSOLE_PORT', '8000')}"
    print(f"  the employer's confirmation link, to open in the browser: {console_url}{employer_link}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
