"""Every index of the profiles service's collections, in one place; the kit makes them at start-up (and the
peers import, which may run before the service ever did, makes the peers' own).

Lists (GET /peers, GET /beneficiaries) need none: they walk the `_id` index newest first and check their
other conditions on the way (`services.kit.pagination`). Unique indexes on optional fields are partial on
`{"$gt": ""}`: documents without a string there (null, absent, an erased person's tombstone) stay out of
them, and a plain equality on the field is served by them (the engine does not infer `$type`)."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from services.kit.mongo import IndexDeclarations, create_indexes
from services.profiles.adapters.agencies import COLLECTION as AGENCIES
from services.profiles.adapters.beneficiaries import COLLECTION as BENEFICIARIES
from services.profiles.adapters.peers import COLLECTION as PEERS
from services.profiles.adapters.peers import Peers
from services.profiles.adapters.refresh_tokens import REFRESH_TOKENS
from services.profiles.adapters.staff import COLLECTION as STAFF
from services.profiles.adapters.testimony_indexes import TESTIMONY_INDEXES

SET = {"$gt": ""}  # a non-empty string

INDEXES: IndexDeclarations = {
    AGENCIES: [
        # two open agencies of a region never share a name (its key: case, accents and spaces aside); a
        # closed agency's key is null, outside the index, so its name is free again
        IndexModel(
            [("region_code", ASCENDING), ("name_key", ASCENDING)],
            unique=True,
            name="name_unique_in_region",
            partialFilterExpression={"name_key": SET},
        ),
    ],
    REFRESH_TOKENS: [
        IndexModel([("family", ASCENDING)], name="family"),  # a reused token revokes its family
        IndexModel([("staff_id", ASCENDING)], name="staff"),  # a closed account's are revoked
        IndexModel([("expires_at", ASCENDING)], name="forget_expired", expireAfterSeconds=0),
    ],
    STAFF: [
        IndexModel([("email", ASCENDING)], unique=True, name="email_unique"),  # signing in
        IndexModel([("agency_id", ASCENDING)], name="agency"),  # an agency's staff list
    ],
    PEERS: [
        # one peer profile per former beneficiary (become-peer), and their export and erasure
        IndexModel(
            [("former_beneficiary_id", ASCENDING)],
            unique=True,
            name="one_peer_per_former_beneficiary",
            partialFilterExpression={"former_beneficiary_id": SET},
        ),
        # a spreadsheet row imported twice (same agency and e-mail) is one peer
        IndexModel(
            [("import_key", ASCENDING)], unique=True, name="imported_once", partialFilterExpression={"import_key": SET}
        ),
        IndexModel([("status", ASCENDING), ("consent_expires_at", ASCENDING)], name="consent_expiry"),
    ],
    BENEFICIARIES: [
        IndexModel(
            [("status", ASCENDING), ("consent.matching", ASCENDING), ("consent.expires_at", ASCENDING)],
            name="matching_consent_expiry",
        ),
        IndexModel([("agency_id", ASCENDING), ("status", ASCENDING)], name="agency_status"),  # the agency's counts
    ],
    **TESTIMONY_INDEXES,
}


async def ensure_peer_indexes(peers: Peers) -> None:
    """The peers' own indexes, for the import, which may run before the service ever did: among them the
    unique one that keeps a spreadsheet row from being imported twice."""
    await create_indexes(peers.collection.database, {PEERS: INDEXES[PEERS]})
