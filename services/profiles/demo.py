"""Demo data that `make run` loads once, through the public API (so every event really flows)."""

from __future__ import annotations

import os
import sys

import httpx

DEMO_AGENCIES: list[dict[str, str]] = [
    {"name": "Mission locale Nantes Métropole", "kind": "mission_locale", "region_code": "52"},
    {"name": "France Travail Angers", "kind": "france_travail", "region_code": "52"},
    {"name": "Cap emploi Sarthe (Le Mans)", "kind": "cap_emploi", "region_code": "52"},
    {"name": "CIO de Laval", "kind": "cio", "region_code": "52"},
    {"name": "Mission locale du Pays Yonnais (La Roche-sur-Yon)", "kind": "mission_locale", "region_code": "52"},
    {"name": "CCI Nantes Saint-Nazaire", "kind": "chamber_of_commerce", "region_code": "52"},
]


def main() -> int:
    base = f"http://127.0.0.1:{os.environ.get('PARCOURS_PROFILES_PORT', '8001')}"
    token = os.environ.get("PARCOURS_OPERATOR_TOKEN", "")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        response = client.get("/agencies")
        if response.status_code != 200:
            print(f"demo data: cannot read agencies ({response.status_code}: {response.text})", file=sys.stderr)
            return 1
        known = {agency["name"] for agency in response.json()}
        missing = [agency for agency in DEMO_AGENCIES if agency["name"] not in known]
        for agency in missing:
            client.post("/agencies", json=agency).raise_for_status()
    print(f"demo data: {len(missing)} agencies added, {len(known)} already there")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
