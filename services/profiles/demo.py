"""Demo data that `make run` loads once, through the public API (so every event really flows).
The accounts are listed in the README; they all use the password DEMO_PASSWORD."""

from __future__ import annotations

import os
import sys

import httpx

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

# (e-mail local part, name, roles), per agency slug
DEMO_STAFF: list[tuple[str, str, list[str]]] = [
    ("conseil", "Conseillère", ["counsellor"]),
    ("validation", "Valideur", ["validator"]),
    ("admin", "Administratrice", ["agency_admin"]),
]
COORDINATOR = ("coordination", "Coordination régionale", ["regional_coordinator"])


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
            wanted = [(demo_email(local, slug), f"{name} {slug}", roles) for local, name, roles in DEMO_STAFF]
            if slug == "nantes":
                wanted.append((demo_email(COORDINATOR[0]), COORDINATOR[1], COORDINATOR[2]))
            for email, name, roles in wanted:
                if email not in known:
                    body = {"email": email, "name": name, "roles": roles, "password": DEMO_PASSWORD}
                    client.post(f"/agencies/{agency_id}/staff", json=body).raise_for_status()
                    added_staff += 1
    print(f"demo data: {added_agencies} agencies and {added_staff} staff accounts added")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
