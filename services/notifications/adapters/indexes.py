"""Every index of the notifications service's collections, made at start-up (`ServiceRuntime(indexes=...)`),
and what earlier versions left, dropped once at start-up (`forget_former`).

Lists (a person's inbox, the operators' e-mails) walk the `_id` index newest first
(`services.kit.pagination`): entries and e-mails get time-ordered ids. Contacts, preferences and push
records are read by `_id`."""

from __future__ import annotations

import logging

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document, IndexDeclarations, forget
from services.notifications.adapters.convention_contacts import CONVENTION_CONTACTS
from services.notifications.adapters.emails import EMAILS
from services.notifications.adapters.inbox import INBOX
from services.notifications.adapters.pushes import PUSHES
from services.notifications.adapters.staff_contacts import STAFF_CONTACTS
from services.notifications.adapters.stream_tickets import USED_STREAM_TICKETS

log = logging.getLogger(__name__)

PUSH_KEPT_SECONDS = 86_400  # a push record serves only to publish its event (within milliseconds)

INDEXES: IndexDeclarations = {
    INBOX: [
        # the unread count
        IndexModel([("staff_id", 1), ("read", 1)], name="staff_unread"),
        # one entry per event and person, or per suggestion group (sparse: entries stored before the key
        # existed have none)
        IndexModel("key", name="once_per_event_and_person", unique=True, sparse=True),
        # what a reconnecting browser missed, grown groups included
        IndexModel([("staff_id", 1), ("sequence", 1)], name="staff_resume"),
    ],
    EMAILS: [
        # the mailer's pass: pending e-mails whose time came, and claims past their lease
        IndexModel([("status", 1), ("next_at", 1)], name="due"),
        # an erasure deletes the e-mails to the person
        IndexModel("recipient", name="recipient"),
        # and the e-mails to others about their meeting (where and when, the invitation)
        IndexModel("about", name="about"),
        # one e-mail per event and recipient
        IndexModel("key", name="once_per_event_and_recipient", unique=True, sparse=True),
        # sent e-mails go at the end of the retention period (PARCOURS_EMAIL_RETENTION_DAYS, set when sent)
        IndexModel("purge_at", name="purge_after_retention", expireAfterSeconds=0),
    ],
    PUSHES: [IndexModel("created_at", name="forget_pushed", expireAfterSeconds=PUSH_KEPT_SECONDS)],
    STAFF_CONTACTS: [IndexModel("agency_id", name="agency")],  # an agency's validators
    CONVENTION_CONTACTS: [IndexModel("beneficiary_id", name="beneficiary")],  # erasure
    # a used ticket is remembered until it would have expired anyway
    USED_STREAM_TICKETS: [IndexModel("expires_at", name="forget_expired_tickets", expireAfterSeconds=0)],
}

# Structures that stood in for indexes on FerretDB v1 (per-person unread ids, due markers, claims by
# unique insert), and an index for a list sorted by a secondary key (the engine sorts the whole match).
FORMER_COLLECTIONS = ("staff_unread", "emails_due", "email_claims")
FORMER_INDEXES = {INBOX: ("staff_newest_first",)}


async def forget_former(database: AsyncDatabase[Document]) -> None:
    """At every start-up (after the declared indexes are made)."""
    await forget(database, FORMER_COLLECTIONS, FORMER_INDEXES)
