"""The links the dispatcher writes into messages, all from `services.contracts.links`: the console's page
of what happened (staff), a peer's secure links (the introduction to answer, their own profile) and a
convention party's secure link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.contracts.envelope import Envelope
from services.contracts.links import CONVENTION_PARTY, PEER_INTRODUCTION, PEER_PROFILE, convention_link, staff_page
from services.notifications.domain.contacts import PartyLink


class Links:
    def __init__(self, signing_key: str, public_url: str) -> None:
        self.signing_key = signing_key
        self.public_url = public_url.rstrip("/")  # the console: the pages the links open

    def console(self, envelope: Envelope) -> str:
        return staff_page(self.public_url, envelope.aggregate_type, envelope.aggregate_id)

    def peer_introduction(self, payload: dict[str, Any]) -> str:
        expires = PEER_INTRODUCTION.expires_at(datetime.fromisoformat(payload["expires_at"]))
        token = PEER_INTRODUCTION.token(self.signing_key, payload["introduction_id"], expires)
        return PEER_INTRODUCTION.url(self.public_url, token)

    def peer_profile(self, payload: dict[str, Any]) -> str:
        expires = PEER_PROFILE.expires_at(datetime.fromisoformat(payload["expires_at"]))
        return PEER_PROFILE.url(self.public_url, PEER_PROFILE.token(self.signing_key, payload["peer_id"], expires))

    def party(self, convention_id: str, role: str, link: PartyLink | None) -> str:
        """ "" before the party was issued a link."""
        if link is None:
            return ""
        expires = datetime.fromisoformat(link.expires_at)
        token = convention_link(self.signing_key, convention_id, role, link.link_id, expires)
        return CONVENTION_PARTY.url(self.public_url, token, convention_id=convention_id)
