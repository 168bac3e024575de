"""The demo counsellors' inboxes, after the other demo steps of `make run`: the demo loads a region's peers
and beneficiaries in one go, as if months of work arrived in a minute; each counsellor is taken to have
read what came before, and opens on a handful of unread notifications (the newest). Through the public
API, once the inbox is quiet (the suggestions may still be flowing)."""

from __future__ import annotations

import os
import time

import httpx

from services.profiles.demo import DEMO_AGENCIES, DEMO_PASSWORD, demo_email

HANDFUL = 5  # unread notifications a demo counsellor opens on
QUIET_SECONDS = 6.0  # nothing new in the inbox this long: the events of the demo have arrived
PATIENCE_SECONDS = 180.0


def _latest(inbox: httpx.Client) -> str:
    """The newest sequence of the inbox: it moves when an entry arrives and when a group grows."""
    entries = inbox.get("/inbox", params={"limit": 200}).raise_for_status().json()
    return max((str(n["sequence"]) for n in entries), default="")


def _wait_until_quiet(inbox: httpx.Client) -> None:
    last, since, deadline = "", time.monotonic(), time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        latest = _latest(inbox)
        if latest != last:
            last, since = latest, time.monotonic()
        elif time.monotonic() - since >= QUIET_SECONDS:
            return
        time.sleep(1)


def _older_read(inbox: httpx.Client) -> int:
    """Every unread notification but the `HANDFUL` newest, marked read; how many."""
    unread = inbox.get("/inbox", params={"unread_only": True, "limit": 200}).raise_for_status().json()
    for notification in unread[HANDFUL:]:
        inbox.post(f"/inbox/{notification['notification_id']}/read").raise_for_status()
    return max(0, len(unread) - HANDFUL)


def main() -> int:
    profiles_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_PROFILES_PORT', '8001')}"
    notifications_url = f"http://127.0.0.1:{os.environ.get('PARCOURS_NOTIFICATIONS_PORT', '8004')}"
    marked = 0
    for slug, _ in DEMO_AGENCIES:
        login = {"email": demo_email("conseil", slug), "password": DEMO_PASSWORD}
        answer = httpx.post(f"{profiles_url}/auth/login", json=login, timeout=10).raise_for_status()
        auth = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        with httpx.Client(base_url=notifications_url, headers=auth, timeout=10) as inbox:
            _wait_until_quiet(inbox)
            marked += _older_read(inbox)
    print(f"demo inboxes: {marked} older notifications marked read, {HANDFUL} left unread per counsellor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
