"""Every index of the placements service's collections, made at start-up (`ServiceRuntime(indexes=...)`).
The agency's list needs none: it walks the `_id` index, newest first (`services.kit.pagination`); the
beneficiaries' projection and the agencies' settings are read by `_id`. Party links live inside their
convention (only their hash, with their expiry checked on use): there is no link collection to purge."""

from __future__ import annotations

from pymongo import IndexModel

from services.kit.mongo import IndexDeclarations
from services.placements.adapters.conventions import CONVENTIONS

INDEXES: IndexDeclarations = {
    CONVENTIONS: [
        # a beneficiary's conventions (the legal limits, erasure, their page): a handful each
        IndexModel("beneficiary_id", name="beneficiary"),
        # the scheduler's pass: the conventions due now (None, never due, is not in the range)
        IndexModel("next_due_at", name="next_due"),
        # one renewal per convention: a retried renewal finds the first one instead of making another
        IndexModel(
            "renewal_of",
            name="one_renewal",
            unique=True,
            partialFilterExpression={"renewal_of": {"$type": "string"}},
        ),
    ],
}
