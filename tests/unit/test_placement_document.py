"""A convention's stored document, field by field as earlier versions wrote it (other services' data and old
documents depend on these names), and back to the same convention."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.events.placements import LinkPurpose, PartyRole
from services.placements.adapters.conventions import from_document, to_document
from services.placements.domain.convention import Approval, Entry, Link, Reason
from services.placements.domain.lifecycle import Status
from services.placements.domain.terms import Assessment
from tests.unit.placements_support import CREATED, a_convention

AT = datetime(2027, 3, 20, 8, 30, tzinfo=UTC)


def test_a_fresh_draft_holds_what_the_first_version_wrote_and_nothing_more() -> None:
    document = to_document(a_convention(version=1))
    assert list(document) == [
        "_id",
        "agency_id",
        "beneficiary_id",
        "counsellor_id",
        "created_by",
        "minor",
        "status",
        "terms",
        "signatures",
        "links",
        "assessment",
        "reminders_sent",
        "renewal_of",
        "created_at",
        "history",
        "next_due_at",
        "version",
    ]
    assert document["history"] == [
        {"action": "draft", "by": "counsellor-1", "from": None, "to": "draft", "at": CREATED}
    ]
    assert (document["signatures"], document["links"], document["assessment"]) == ({}, {}, None)
    assert from_document(document) == a_convention(version=1)


def test_every_step_field_keeps_its_stored_name_and_shape() -> None:
    assessment = Assessment.model_validate(
        {"attendance": "completed", "objectives_met": False, "project_conclusion": "adjusted"}
    )
    link = Link("l1", "h1", LinkPurpose.AGREE, AT, AT)
    convention = a_convention(
        Status.RENEWED,
        signatures={PartyRole.EMPLOYER: AT, PartyRole.BENEFICIARY: AT},
        links={PartyRole.BENEFICIARY: link},
        used_links=("h0",),
        assessment=assessment,
        reminders_sent=("assessment_request:0",),
        renewal_id="c2",
        reason=Reason("other", "note", "s1", AT),
        pre_validated=Approval("s1", AT),
        validated=Approval("s2", AT),
        history=(Entry("resend_link", "s1", None, Status.SIGNED, AT, PartyRole.EMPLOYER),),
        updated_at=AT,
        updated_by="s1",
        next_due_at=AT,
    )
    document = to_document(convention)
    assert document["signatures"] == {"employer": AT.isoformat(), "beneficiary": AT.isoformat()}
    assert document["links"] == {
        "beneficiary": {"link_id": "l1", "hash": "h1", "purpose": "agree", "expires_at": AT, "used_at": AT}
    }
    assert document["reason"] == {"code": "other", "note": "note", "by": "s1", "at": AT}
    assert (document["pre_validated_by"], document["pre_validated_at"]) == ("s1", AT)
    assert (document["validated_by"], document["validated_at"]) == ("s2", AT)
    assert document["history"] == [
        {"action": "resend_link", "by": "s1", "from": None, "to": "signed", "at": AT, "role": "employer"}
    ]
    assert document["assessment"]["attendance"] == "completed" and document["used_links"] == ["h0"]
    assert (document["renewal_id"], document["updated_at"], document["updated_by"]) == ("c2", AT, "s1")
    assert "erased" not in document
    assert from_document(document) == convention
    assert to_document(from_document(document)) == document


def test_an_erased_convention_says_so_and_keeps_its_empty_reason() -> None:
    document = to_document(a_convention(Status.CANCELLED, erased=True))
    assert (document["erased"], document["reason"]) == (True, None)
