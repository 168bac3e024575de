"""Demo introductions that `make run` adds once after profiles' demo data, through the public APIs: for
four beneficiaries of the Nantes counsellor, the best suggestion is proposed (an enquête métier that was
accepted, met and rated; a testimony the peer declined; a parrainage and a testimony that wait for an
answer). It prints a peer's link to open in the browser."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, date, datetime

import httpx

from services.contracts.links import PEER_INTRODUCTION
from services.kit import links
from services.matching import demo_gatherings
from services.profiles.demo import DEMO_PASSWORD, demo_email

PURPOSES = (
    {"purpose": "job_inquiry", "message": "Bonjour, je prépare avec mon conseiller une enquête métier."},
    {"purpose": "testimony", "message": "Votre parcours de reconversion l'intéresse beaucoup."},
    {"purpose": "mentoring", "mentoring_months": 3, "message": "Un parrainage de trois mois serait précieux."},
    {"purpose": "testimony", "message": "Pourriez-vous raconter vos débuts dans le métier ?"},
)


def peer_link(matching_url: str, introduction: dict[str, str]) -> str:
    expires = datetime.fromisoformat(introduction["expires_at"].replace("Z", "+00:00"))
    token = PEER_INTRODUCTION.token(
        links.local_key(),
        introduction["introduction_id"],
        PEER_INTRODUCTION.expires_at(expires if expires.tzinfo else expires.replace(tzinfo=UTC)),
    )
    return PEER_INTRODUCTION.url(matching_url, token)


def main() -> int:
    profiles_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_PROFILES_PORT', '8001')}"
    matching_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_MATCHING_PORT', '8002')}"
    login = {"email": demo_email("conseil", "nantes"), "password": DEMO_PASSWORD}
    token = httpx.post(f"{profiles_url}/auth/login", json=login, timeout=10).raise_for_status().json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=matching_url, headers=auth, timeout=10) as matching:
        people = httpx.get(f"{profiles_url}/beneficiaries", headers=auth, params={"limit": 50}, timeout=10)
        print(demo_gatherings.add(matching, people.raise_for_status().json()))
        if matching.get("/introductions").raise_for_status().json():
            print("demo introductions: already there")
            return 0
        made: list[dict[str, str]] = []
        deadline = time.monotonic() + 120  # matching may still be absorbing the imported peers
        while len(made) < len(PURPOSES) and time.monotonic() < deadline:
            for person in people.raise_for_status().json():
                if len(made) == len(PURPOSES):
                    break
                url = f"/beneficiaries/{person['beneficiary_id']}"
                if any(i["beneficiary_id"] == person["beneficiary_id"] for i in made):
                    continue
                answer = matching.get(f"{url}/suggestions")
                for suggestion in answer.json() if answer.status_code == 200 else []:
                    # the beneficiary agreed in the interview: the request goes to the peer at once
                    body = {"peer_id": suggestion["peer_id"], "beneficiary_agreed": True, **PURPOSES[len(made)]}
                    proposed = matching.post(f"{url}/introductions", json=body)
                    if proposed.status_code == 201:
                        made.append(proposed.json())
                        break
            if len(made) < len(PURPOSES):
                time.sleep(2)
        if len(made) < 2:
            print("demo introductions: matching has no suggestions yet; run `make up` again later", file=sys.stderr)
            return 0
        accepted, declined = made[0], made[1]
        httpx.post(f"{peer_link(matching_url, accepted)}/answer", json={"accept": True}, timeout=10)
        meeting = {
            "held_on": date.today().isoformat(),
            "mode": accepted["meeting_modes"][0],
            "summary": "Très concret.",
        }
        matching.post(f"/introductions/{accepted['introduction_id']}/meeting", json=meeting)
        rating = {"took_place": True, "usefulness": 5, "comment": "A confirmé son projet."}
        matching.post(f"/introductions/{accepted['introduction_id']}/feedback", json=rating)
        httpx.post(
            f"{peer_link(matching_url, declined)}/answer", json={"accept": False, "reason": "no_time"}, timeout=10
        )
    print(f"demo introductions: {len(made)} added (1 met and rated, 1 declined, the others wait for an answer)")
    if len(made) > 2:
        console_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_CONSOLE_PORT', '8000')}"
        print(f"  a peer's link, to open in the browser: {peer_link(console_url, made[2])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
