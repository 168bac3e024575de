"""The indexes of testimonies, their consents, shares and files (merged into `indexes.INDEXES`)."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from services.kit.mongo import IndexDeclarations
from services.profiles.adapters.media import BUCKET
from services.profiles.adapters.testimonies import SHARES, TESTIMONIES

TESTIMONY_INDEXES: IndexDeclarations = {
    TESTIMONIES: [
        IndexModel([("jobs", ASCENDING)], name="jobs"),  # counsellors browse by job
        IndexModel([("peer_id", ASCENDING)], name="peer"),  # a peer's, and their deletion
    ],
    SHARES: [
        IndexModel([("testimony_id", ASCENDING)], name="testimony"),
        IndexModel([("peer_id", ASCENDING)], name="peer"),
        IndexModel([("beneficiary_id", ASCENDING)], name="beneficiary"),
        IndexModel([("expires_at", ASCENDING)], name="forget_expired", expireAfterSeconds=0),
    ],
    # GridFS makes these itself on the first upload; declared so that reads have them before
    f"{BUCKET}.chunks": [IndexModel([("files_id", ASCENDING), ("n", ASCENDING)], unique=True, name="files_id_1_n_1")],
    f"{BUCKET}.files": [
        IndexModel([("filename", ASCENDING), ("uploadDate", ASCENDING)], name="filename_1_uploadDate_1")
    ],
}
