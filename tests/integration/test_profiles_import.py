"""Importing the peers spreadsheet with the command-line tool, into the running platform's database."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.contracts.envelope import Envelope
from services.kit.dead_letters import read_topic
from services.profiles.importing.samples import spreadsheet
from services.reference.text import fold
from tests.conftest import ROOT, Servers
from tests.french import is_french
from tests.integration.support import ServiceProcess, wait_until
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_agency, new_staff

pytestmark = [pytest.mark.integration, pytest.mark.bulk]


def import_csv(platform: dict[str, ServiceProcess], path: Path, agency_id: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **{k: v for k, v in platform["profiles"].env.items() if k.startswith("PARCOURS_MONGODB")}}
    return subprocess.run(
        [sys.executable, "-m", "services.profiles.importing", str(path), "--agency", agency_id],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def imported_peer(profiles: httpx.AsyncClient, token: dict[str, str], row: dict[str, str]) -> dict[str, Any]:
    """The peer of a spreadsheet row, found by a search on their name, page after page."""
    text = f"{row['first_name']} {row['last_name']}"
    params: dict[str, str | int] = {"q": text, "limit": 200}
    while True:
        page = await profiles.get("/peers", params=params, headers=token)
        assert page.status_code == 200, page.text
        for found in page.json():
            name = fold(f"{found['first_name']} {found['last_name']}")
            assert all(word in name for word in fold(text).split()), "the search keeps to the name"
            if found["contact"] and found["contact"]["email"] == row["email"].lower():
                return dict(found)
        assert "X-Next-Cursor" in page.headers, f"no peer {row['email']} found by its name"
        params["after"] = page.headers["X-Next-Cursor"]


async def test_ten_thousand_rows_with_a_few_hundred_bad_ones(
    servers: Servers, platform: dict[str, ServiceProcess], tmp_path: Path
) -> None:
    domain = f"{uuid.uuid4().hex[:6]}.fr"
    path, bad_lines = spreadsheet(tmp_path / "pairs.csv", rows=10_000, bad_every=33, email_domain=domain)
    assert 250 < len(bad_lines) < 400
    async with httpx.AsyncClient(base_url=platform["profiles"].url, timeout=30) as profiles:
        agency_id = await new_agency(profiles, f"Mission locale import {domain}")
        done = import_csv(platform, path, agency_id)
        assert done.returncode == 0, done.stderr
        good = 10_000 - len(bad_lines)
        assert f"{good:,} imported, 0 already there, {len(bad_lines)} rejected" in done.stdout
        assert "rows/s" in done.stdout and "10,000/10,000 rows" in done.stderr, "a progress bar"

        with path.with_suffix(".rejected.csv").open(encoding="utf-8") as report:
            reasons = {int(r["ligne"]): r for r in csv.DictReader(report)}
        assert set(reasons) == set(bad_lines), "every bad row is reported, and only those"
        assert all(reasons[line]["colonne"] == column for line, column in bad_lines.items())
        assert all(is_french(r["problème"]) for r in reasons.values()), "counsellors read why, in French"

        token = bearer(await login(profiles, await new_staff(profiles, agency_id, ["counsellor"], as_operator())))
        first_page = await profiles.get("/peers", params={"limit": 200}, headers=token)
        own = [p for p in first_page.json() if p["agency_id"] == agency_id]
        assert len(own) == 200 and all(p["contact"]["email"].endswith(domain) for p in own), "newest first"
        cursor = first_page.headers["X-Next-Cursor"]
        assert cursor == own[-1]["peer_id"] and f"after={cursor}" in first_page.headers["Link"]
        second_page = (await profiles.get("/peers", params={"limit": 200, "after": cursor}, headers=token)).json()
        assert len(second_page) == 200 and {p["peer_id"] for p in second_page}.isdisjoint(p["peer_id"] for p in own)
        assert [p["peer_id"] for p in own + second_page] == sorted(
            (p["peer_id"] for p in own + second_page), reverse=True
        )

        first_good = next(line for line in range(2, 100) if line not in bad_lines)
        with path.open(encoding="utf-8") as sheet:
            first_row = list(csv.DictReader(sheet))[first_good - 2]
        imported = await imported_peer(profiles, token, first_row)
        assert (
            imported["path"][0]["rome_code"] == first_row["step1_rome"]
            and imported["first_name"] == first_row["first_name"]
        )

    again = import_csv(platform, path, agency_id)
    assert f"0 imported, {good:,} already there, {len(bad_lines)} rejected" in again.stdout, "no row twice"

    peer_id = imported["peer_id"]

    async def published() -> bool:
        records = await read_topic(
            servers.kafka_bootstrap_servers, "profiles.peer", lambda r: r.key == peer_id.encode()
        )
        return any(Envelope.from_bytes(r.value).event_type == "profiles.peer.published" for r in records)

    await wait_until(published, timeout=90, what="the profiles relay to publish imported peers")


def test_a_file_without_the_required_columns_is_refused_whole(
    platform: dict[str, ServiceProcess], tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("nom;prenom\nDupont;Jean\n", encoding="utf-8")
    done = import_csv(platform, path, "any")
    assert done.returncode == 2 and "missing columns first_name, last_name, email" in done.stderr
