"""Notifications as their reader sees them: with the names of the people they are about, asked of profiles
(their owner) at the moment they are shown, in one question per page or frame, for what this reader may
see. The names are never stored, logged or published; when profiles cannot answer, the notifications are
shown without them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from services.contracts.events.notifications import NotificationCreatedV1
from services.kit.internal_api import OwnerRefused, OwnerUnreachable
from services.notifications.domain.naming import NO_NAMES, Names, PeerName, text

log = logging.getLogger(__name__)

# (staff id, beneficiary ids, peer ids) -> profiles' answer (`adapters.owners.Owners.names`)
AskNames = Callable[[str, list[str], list[str]], Awaitable[dict[str, Any]]]


class People:
    def __init__(self, ask: AskNames) -> None:
        self.ask = ask

    async def named(self, staff_id: str, shown: Sequence[NotificationCreatedV1]) -> list[NotificationCreatedV1]:
        names = await self._names(staff_id, shown)
        return [_with(notification, names) for notification in shown]

    async def _names(self, staff_id: str, shown: Sequence[NotificationCreatedV1]) -> Names:
        beneficiaries = sorted({n.beneficiary_id for n in shown if n.beneficiary_id})
        peers = sorted({peer for n in shown for peer in n.peer_ids})
        if not beneficiaries and not peers:
            return NO_NAMES
        try:
            answer = await self.ask(staff_id, beneficiaries, peers)
        except (OwnerUnreachable, OwnerRefused) as error:
            log.warning("notifications shown without names: profiles did not answer (%s)", error)
            return NO_NAMES
        return Names(
            beneficiaries=dict(answer.get("beneficiaries", {})),
            peers={i: PeerName(p["first_name"], p["kind"]) for i, p in answer.get("peers", {}).items()},
        )


def _with(notification: NotificationCreatedV1, names: Names) -> NotificationCreatedV1:
    """`notification` as it travelled (without names), with them."""
    n = notification
    title, body = text(n.kind, n.title, n.body, n.beneficiary_id, n.peer_ids, names)
    return n.model_copy(update={"title": title, "body": body})
