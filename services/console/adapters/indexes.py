"""Every index of the console's collections, made at start-up (the processed-events inbox's are the kit's)."""

from __future__ import annotations

from pymongo import IndexModel

from services.console.adapters.funnel import BUCKETS, STEPS
from services.kit.mongo import IndexDeclarations

INDEXES: IndexDeclarations = {
    BUCKETS: [IndexModel([("agency_id", 1), ("month", 1)], name="agency_month")],
    STEPS: [IndexModel([("counted", 1)], name="counted")],
}
