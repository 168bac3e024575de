"""What the testimony tests share: an agency of region 03 with a counsellor, a peer who consented, a video
testimony with subtitles and its file (a real, tiny WebM kept in tests/fixtures, see PROVENANCE.md there)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from services.profiles.api.peer_models import PEER_EXAMPLE
from tests.integration.test_profiles_staff_api import as_operator, bearer, login, new_staff

REGION = "03"
FIXTURES = Path(__file__).parent.parent / "fixtures"
VIDEO = FIXTURES / "testimony.webm"
SUBTITLES = (FIXTURES / "testimony.vtt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Agency:
    agency_id: str
    counsellor: dict[str, str]


async def agency(profiles: httpx.AsyncClient, region_code: str = REGION) -> Agency:
    name = f"Mission locale Témoignages {uuid.uuid4().hex[:6]}"
    created = await profiles.post(
        "/agencies", json={"name": name, "kind": "mission_locale", "region_code": region_code}, headers=as_operator()
    )
    assert created.status_code == 201, created.text
    agency_id = str(created.json()["agency_id"])
    counsellor = bearer(await login(profiles, await new_staff(profiles, agency_id, ["counsellor"], as_operator())))
    return Agency(agency_id, counsellor)


async def peer(profiles: httpx.AsyncClient, at: Agency, *, region_wide: bool = True) -> str:
    body: dict[str, Any] = copy.deepcopy(PEER_EXAMPLE)
    body["identity"]["email"] = f"{uuid.uuid4().hex[:8]}@pairs.test"
    body.update({"visibility": "region" if region_wide else "agency", "consent_to_region": region_wide})
    created = await profiles.post("/peers", json=body, headers=at.counsellor)
    assert created.status_code == 201, created.text
    return str(created.json()["peer_id"])


def video_testimony(**changes: Any) -> dict[str, Any]:
    return {
        "format": "video",
        "title": "De la vente au développement web",
        "jobs": ["M1805"],
        "path_kind": "training",
        "transition": "chosen",
        "subtitles": SUBTITLES,
        **changes,
    }


async def streamed(data: bytes, piece: int) -> AsyncIterator[bytes]:
    """`data` sent in pieces, as a browser streams a file (no Content-Length: the server counts)."""
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


async def uploaded(client: httpx.AsyncClient, at: Agency, peer_id: str, prefix: str = "") -> dict[str, Any]:
    """A video testimony of the peer, with consent recorded and its file streamed in (`prefix`: through the
    console, `/api/profiles`)."""
    consent = await client.post(
        f"{prefix}/peers/{peer_id}/testimony-consent", json={"given": True}, headers=at.counsellor
    )
    assert consent.status_code == 200, consent.text
    created = await client.post(f"{prefix}/peers/{peer_id}/testimonies", json=video_testimony(), headers=at.counsellor)
    assert created.status_code == 201, created.text
    testimony_id = created.json()["testimony_id"]

    stored = await client.put(
        f"{prefix}/testimonies/{testimony_id}/media",
        content=streamed(VIDEO.read_bytes(), 16_384),
        headers={**at.counsellor, "Content-Type": "application/octet-stream"},
    )
    assert stored.status_code == 200, stored.text
    return dict(stored.json())
