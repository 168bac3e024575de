"""The one route that takes a large body: a testimony's file, streamed to profiles (`PUT .../testimonies/{id}/
media`, from a counsellor or from the peer's link), through the console's proxy too. Both read its limit
from `PARCOURS_MAX_MEDIA_BYTES` (200 MiB)."""

from __future__ import annotations

import re

from services.kit.bad_requests import LargerBody

MEDIA_UPLOAD = re.compile(r"/testimonies/[^/]+/media$")


def media_upload(max_bytes: int) -> LargerBody:
    return LargerBody("PUT", MEDIA_UPLOAD, max_bytes)
