"""The events notifications listens to, each translated into a use case call: contact points kept in the
directory, routed events dispatched to people, erasures. Registered on the service's router by `app`."""

from __future__ import annotations

from typing import Any

from services.contracts.envelope import Envelope
from services.contracts.events.placements import ContactsChangedV1, ContactsChangedV2, LinkIssuedV1
from services.contracts.events.profiles import (
    PeerContactChangedV2,
    PeerContactV1,
    PersonErasedV1,
    StaffDeactivatedV1,
    StaffRegisteredV1,
    StaffRegisteredV2,
)
from services.kit.messaging import EventRouter
from services.notifications.domain.routing import ROUTES
from services.notifications.use_cases.directory import Directory
from services.notifications.use_cases.dispatch import Dispatcher
from services.notifications.use_cases.erasure import Erasure


class Handlers:
    def __init__(self, directory: Directory, dispatcher: Dispatcher, erasure: Erasure) -> None:
        self.directory = directory
        self.dispatcher = dispatcher
        self.erasure = erasure

    def subscribe(self, router: EventRouter) -> None:
        """The directory first (`early`: before the rest of each batch, whose events are applied several
        aggregates at a time): a convention's link is kept before the e-mail that carries it is written."""
        (
            router.on("profiles.staff.registered", self.on_staff_registered, early=True)
            .on("profiles.staff.deactivated", self.on_staff_deactivated, early=True)
            .on("profiles.peer.contact_changed", self.on_peer_contact, early=True)
            .on("placements.convention.contacts_changed", self.on_parties, early=True)
            .on("placements.convention.link_issued", self.on_link, early=True)
        )
        for event_type in ROUTES:
            router.on(event_type, self.on_routed)
        router.on("profiles.person.erased", self.on_erased, late=True)

    async def on_staff_registered(self, envelope: Envelope, payload: StaffRegisteredV1 | StaffRegisteredV2) -> None:
        if isinstance(payload, StaffRegisteredV2):
            await self.directory.staff_announced(payload)
        else:
            await self.directory.staff_registered(payload, envelope.aggregate_version)

    async def on_staff_deactivated(self, envelope: Envelope, payload: StaffDeactivatedV1) -> None:
        await self.directory.staff_deactivated(payload.staff_id, envelope.aggregate_version)

    async def on_peer_contact(self, envelope: Envelope, payload: PeerContactV1 | PeerContactChangedV2) -> None:
        if isinstance(payload, PeerContactChangedV2):
            await self.directory.peer_contact_announced(payload)
        else:
            await self.directory.peer_contact_changed(payload, envelope.aggregate_version)

    async def on_parties(self, envelope: Envelope, payload: ContactsChangedV1 | ContactsChangedV2) -> None:
        if isinstance(payload, ContactsChangedV2):
            await self.directory.parties_announced(payload, envelope.tenant_id)
        else:
            await self.directory.parties_changed(payload, envelope.tenant_id)

    async def on_link(self, envelope: Envelope, payload: LinkIssuedV1) -> None:
        await self.directory.link_issued(payload, envelope.tenant_id)

    async def on_routed(self, envelope: Envelope, payload: Any) -> None:
        await self.dispatcher.dispatch(envelope)

    async def on_erased(self, envelope: Envelope, payload: PersonErasedV1) -> None:
        """Their contact points, and the e-mails to them (which hold their name and address), go."""
        await self.erasure.forget(payload)
