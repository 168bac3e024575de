"""Demo data that `make run` loads once, through the public API (so every event really flows).
The accounts are listed in the README; they all use the password DEMO_PASSWORD."""

from __future__ import annotations

import asyncio
import os
import random
import sys
from datetime import UTC, datetime

import httpx

from services.kit.mongo import connect
from services.kit.outbox import OutboxWriter
from services.kit.settings import ServiceSettings
from services.profiles.adapters.peers import Peers
from services.profiles.demo_peers import FIRST_NAMES, LAST_NAMES, TARGETS, peer_rows
from services.profiles.use_cases.peer_import import import_peers
from services.reference import places

DEMO_PASSWORD = "parcours-demo-2026"
DEMO_DOMAIN = "parcours.test"

# (slug, agency)
DEMO_AGENCIES: list[tuple[str, dict[str, str]]] = [
    ("nantes", {"name": "Mission locale Nantes Métropole", "kind": "mission_locale", "region_code": "52"}),
    ("angers", {"name": "France Travail Angers", "kind": "france_travail", "region_code": "52"}),
    ("le-mans", {"name": "Cap emploi Sarthe (Le Mans)", "kind": "cap_emploi", "region_code": "52"}),
    ("laval", {"name": "CIO de Laval", "kind": "cio", "region_code": "52"}),
    ("la-roche", {"name": "Mission locale du Pays Yonnais", "kind": "mission_locale", "region_code": "52"}),
    ("saint-nazaire", {"name": "CCI Nantes Saint-Nazaire", "kind": "chamber_of_commerce", "region_code": "52"}),
]

# (e-mail local part, roles), per agency slug; each agency's people by name, in that order
DEMO_STAFF: list[tuple[str, list[str]]] = [
    ("conseil", ["counsellor"]),
    ("validation", ["validator"]),
    ("admin", ["agency_admin"]),
]
STAFF_NAMES: dict[str, tuple[str, str, str]] = {
    "nantes": ("Claire Moreau", "Julien Petit", "Sophie Bernard"),
    "angers": ("Nadia Benali", "Pierre Lambert", "Isabelle Roux"),
    "le-mans": ("Marc Girard", "Élodie Fournier", "Thierry Morel"),
    "laval": ("Aurélie Mercier", "Franck Dupont", "Hélène Vincent"),
    "la-roche": ("Karine Blanchard", "Olivier Renaud", "Sandrine Tessier"),
    "saint-nazaire": ("Yann Le Gall", "Céline Guérin", "Patrick Ménard"),
}
COORDINATOR = ("coordination", "Anne Rousseau", ["regional_coordinator"])
PEERS_PER_AGENCY = 50
BENEFICIARIES_PER_AGENCY = 17
SITUATIONS = ["job_seeker", "job_seeker", "student", "neet", "employee", "apprentice"]
LEVELS = ["none", "level_3", "level_4", "level_4", "level_5", "level_6"]


def beneficiary_body(rng: random.Random, towns: list[places.Place]) -> dict[str, object]:
    """A plausible person: their project is the last job of one of the demo peers' stories."""
    target = rng.choice(TARGETS).rome
    minor = rng.random() < 0.15
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    identity: dict[str, object] = {
        "first_name": first,
        "last_name": last,
        "birth_year": rng.randint(2009, 2010) if minor else rng.randint(1975, 2006),
        "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
    }
    if minor:
        identity["guardian"] = {"name": f"{rng.choice(FIRST_NAMES)} {last}", "phone": "02 40 00 00 00"}
        identity["birth_date"] = f"{identity['birth_year']}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {
        "identity": identity,
        "project": {
            "place_id": rng.choice(towns).place_id,
            "mobility_km": rng.choice([10, 20, 30, 50]),
            "situation": "student" if minor else rng.choice(SITUATIONS),
            "education_level": rng.choice(LEVELS),
            "target_jobs": [target],
            "meeting_modes": rng.choice([["in_person"], ["in_person", "video"], ["video"]]),
        },
        "matching_consent": rng.random() < 0.9,
    }


async def import_demo_peers(agency_ids: dict[str, str]) -> int:
    """Through the same import the counsellors use, from the spreadsheet format."""
    client, database = connect(ServiceSettings(service_name="profiles"))
    try:
        peers = Peers(database, OutboxWriter())
        imported = 0
        for index, (slug, agency_id) in enumerate(sorted(agency_ids.items())):
            # each agency tells the next stories of the one sequence: no two demo peers share a path
            rows = peer_rows(
                PEERS_PER_AGENCY, seed=index, email_domain=f"{slug}.{DEMO_DOMAIN}", first=index * PEERS_PER_AGENCY
            )
            # the demo's made-up peers stand as having accepted the charter in force, so they are suggested
            outcome = await import_peers(rows, agency_id, "52", peers, charter_accepted_at=datetime.now(UTC))
            imported += outcome.imported
        return imported
    finally:
        await client.close()


def demo_email(local: str, slug: str | None = None) -> str:
    return f"{local}.{slug}@{DEMO_DOMAIN}" if slug else f"{local}@{DEMO_DOMAIN}"


def main() -> int:
    base = f"http://127.0.0.1:{os.environ.get('PARCOURS_PROFILES_PORT', '8001')}"
    token = os.environ.get("PARCOURS_OPERATOR_TOKEN", "")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        response = client.get("/agencies")
        if response.status_code != 200:
            print(f"demo data: cannot read agencies ({response.status_code}: {response.text})", file=sys.stderr)
            return 1
        ids = {agency["name"]: agency["agency_id"] for agency in response.json()}
        added_agencies = added_staff = 0
        for slug, agency in DEMO_AGENCIES:
            if agency["name"] not in ids:
                ids[agency["name"]] = client.post("/agencies", json=agency).raise_for_status().json()["agency_id"]
                added_agencies += 1
            agency_id = ids[agency["name"]]
            known = {m["email"] for m in client.get(f"/agencies/{agency_id}/staff").raise_for_status().json()}
            wanted = [
                (demo_email(local, slug), name, roles)
                for (local, roles), name in zip(DEMO_STAFF, STAFF_NAMES[slug], strict=True)
            ]
            if slug == "nantes":
                wanted.append((demo_email(COORDINATOR[0]), COORDINATOR[1], COORDINATOR[2]))
            for email, name, roles in wanted:
                if email not in known:
                    body = {"email": email, "name": name, "roles": roles, "password": DEMO_PASSWORD}
                    client.post(f"/agencies/{agency_id}/staff", json=body).raise_for_status()
                    added_staff += 1
        slugs = {slug: ids[agency["name"]] for slug, agency in DEMO_AGENCIES}
        added_beneficiaries = _beneficiaries(base, slugs)
    added_peers = asyncio.run(import_demo_peers(slugs))
    print(
        f"demo data: {added_agencies} agencies, {added_staff} staff accounts, {added_peers} peers and "
        f"{added_beneficiaries} beneficiaries added"
    )
    return 0


def _beneficiaries(base: str, slugs: dict[str, str]) -> int:
    towns = sorted(places.in_region("52"), key=lambda p: -p.population)[:60]
    added = 0
    for index, slug in enumerate(sorted(slugs)):
        with httpx.Client(base_url=base, timeout=10) as client:
            login = {"email": demo_email("conseil", slug), "password": DEMO_PASSWORD}
            token = client.post("/auth/login", json=login).raise_for_status().json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            present = len(client.get("/beneficiaries", params={"state": "all", "limit": 200}).raise_for_status().json())
            rng = random.Random(1000 + index)
            bodies = [beneficiary_body(rng, towns) for _ in range(BENEFICIARIES_PER_AGENCY)]
            for body in bodies[present:]:
                client.post("/beneficiaries", json=body).raise_for_status()
                added += 1
    return added


if __name__ == "__main__":
    raise SystemExit(main())
