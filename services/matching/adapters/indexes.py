"""Every index of the matching service's collections, in one place; the kit makes them at start-up.

Projections (peer cards, beneficiary projects) and lists are read by `_id`, or whole when the memory
loads at start-up; dismissals also by beneficiary. Introductions are listed newest first by the `_id`
index (no index needed for that, see `services.kit.pagination`); the other reads of them are by person
(small sets) or by due date. Three partial unique indexes make the proposal's rules hold whichever
instance proposes: each is on a string set only while the rule applies (`{"$gt": ""}` leaves out the
documents where it is null)."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from services.kit.mongo import IndexDeclarations

INTRODUCTIONS = "introductions"
LISTS = "suggestion_lists"
DISMISSALS = "dismissals"
GATHERINGS = "gatherings"
BENEFICIARY_PROJECTS = "beneficiary_projects"  # the projection's collection (adapters.projections.BENEFICIARIES)

SET = {"$gt": ""}  # a non-empty string

# while an introduction holds one of the peer's slots of its month: "<peer>/<month>/<n>", n <= capacity
CAPACITY_SLOT = "capacity_slot"
# while it waits for the peer's answer: "<beneficiary>/<n>", n <= the policy's pending requests at most
PENDING_SLOT = "pending_slot"
# while it is open (proposed or accepted): "<beneficiary>/<peer>", one open introduction per pair
OPEN_PAIR = "open_pair"

# while a meeting is scheduled and not reminded yet: the day before it (null otherwise), the sweep's due date
APPOINTMENT_REMIND_AT = "appointment_remind_at"

INDEXES: IndexDeclarations = {
    # forums, fairs, open days: an agency's and its region's by start, a person's (erasure, their page), the
    # reminders' due date; and the beneficiaries whose target jobs meet a gathering's (multikey)
    GATHERINGS: [
        IndexModel([("agency_id", ASCENDING), ("ends_at", ASCENDING)], name="agency_ends"),
        IndexModel([("region_code", ASCENDING), ("visibility", ASCENDING), ("ends_at", ASCENDING)], name="region_ends"),
        IndexModel([("person_ids", ASCENDING)], name="person"),
        IndexModel([("status", ASCENDING), ("remind_at", ASCENDING)], name="reminder"),
    ],
    BENEFICIARY_PROJECTS: [IndexModel([("agency_id", ASCENDING), ("target_jobs", ASCENDING)], name="agency_jobs")],
    DISMISSALS: [IndexModel([("beneficiary_id", ASCENDING)], name="beneficiary")],  # read with the suggestions
    INTRODUCTIONS: [
        IndexModel([("peer_id", ASCENDING)], name="peer"),  # a peer's record, erasure
        IndexModel([("beneficiary_id", ASCENDING)], name="beneficiary"),  # a beneficiary's, erasure
        IndexModel([("status", ASCENDING), ("expires_at", ASCENDING)], name="expiry"),  # the sweep
        IndexModel([("status", ASCENDING), ("reminded", ASCENDING), ("remind_at", ASCENDING)], name="reminder"),
        IndexModel([("status", ASCENDING), (APPOINTMENT_REMIND_AT, ASCENDING)], name="appointment_reminder"),
        *(
            IndexModel([(field, ASCENDING)], unique=True, name=field, partialFilterExpression={field: SET})
            for field in (CAPACITY_SLOT, PENDING_SLOT, OPEN_PAIR)
        ),
    ],
}
