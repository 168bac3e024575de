"""The secure links one service acts on and another e-mails (see `services.kit.links`): their purpose
and how long they stay valid, agreed here so both sides sign and check the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LinkKind:
    purpose: str
    days_after: int  # valid this long after the date the event gives

    def expires_at(self, from_date: datetime) -> datetime:
        return from_date + timedelta(days=self.days_after)


# the peer answers an introduction, and later gives feedback: from `matching.introduction.proposed`,
# signed over the introduction id, valid until 120 days after the request's `expires_at`
PEER_INTRODUCTION = LinkKind("introduction-peer", 120)


# the peer looks after their own profile (pause, capacity, testimony, their path): e-mailed with each
# introduction request, signed over the peer id, valid until 90 days after the request's `expires_at`
PEER_PROFILE = LinkKind("peer-profile", 90)


# a party acts on a PMSMP convention (confirm, sign, assess, agree): from `placements.convention.link_issued`,
# signed over `convention_link_subject(...)`, valid until the event's `expires_at`. Placements stores only
# the link's hash, and a link works once.
CONVENTION_PARTY_PURPOSE = "convention-party"


def convention_link_subject(convention_id: str, role: str, link_id: str) -> str:
    return f"{convention_id}:{role}:{link_id}"
