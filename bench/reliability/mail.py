"""The caught e-mails, read from the mail catcher's API: the links they carry (what a peer or an employer
follows), classified by what they are for, from the token's readable subject."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx

LINK = re.compile(r"https?://[^\s<>\"]+")


def token_subject(token: str) -> str:
    """The subject a link's token names (its body is readable; only its signature is secret)."""
    body = token.partition(".")[0]
    try:
        return str(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["s"])
    except (ValueError, KeyError):
        return ""


@dataclass
class Mailbox:
    url: str
    seen: int = 0
    duplicates_refused: int = 0  # copies the catcher kept out, as a provider does, by their Message-ID
    messages: list[dict[str, Any]] = field(default_factory=list)
    introduction_links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (convention id, role) -> the links e-mailed to that party, in the order they came
    convention_links: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    # how many caught messages carried a link of each introduction, of each (convention, role)
    introduction_messages: Counter[str] = field(default_factory=Counter)
    convention_messages: Counter[tuple[str, str]] = field(default_factory=Counter)

    def _take(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        introductions: set[str] = set()
        parties: set[tuple[str, str]] = set()
        for url in LINK.findall(message.get("text", "")):
            path = urlparse(url).path
            if path.startswith("/links/introductions/"):
                introduction_id = token_subject(path.rsplit("/", 1)[1])
                introductions.add(introduction_id)
                if path not in self.introduction_links[introduction_id]:
                    self.introduction_links[introduction_id].append(path)
            elif path.startswith("/links/conventions/"):
                convention_id, role, _ = [*token_subject(path.rsplit("/", 1)[1]).split(":"), "", "", ""][:3]
                parties.add((convention_id, role))
                if path not in self.convention_links[(convention_id, role)]:
                    self.convention_links[(convention_id, role)].append(path)
        self.introduction_messages.update(introductions)
        self.convention_messages.update(parties)

    async def refresh(self, client: httpx.AsyncClient) -> None:
        answer = await client.get(f"{self.url}/messages")
        answer.raise_for_status()
        messages = answer.json()["messages"]
        self.duplicates_refused = int(answer.json().get("duplicates_refused", 0))
        for message in messages[self.seen :]:
            self._take(message)
        self.seen = len(messages)

    async def follow(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            while not stop.is_set():
                with contextlib.suppress(httpx.HTTPError):
                    await self.refresh(client)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)
