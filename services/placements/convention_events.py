"""The events of a convention, built from its stored document: each step, a party's new link, a reminder,
the parties' contact points (the one event with personal data, for notifications only)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from services.contracts.envelope import Envelope
from services.contracts.events import placements as contracts
from services.contracts.events.placements import LinkPurpose, PartyRole
from services.contracts.events.registry import CONVENTION_STEPS
from services.kit.mongo import Document
from services.placements.domain.convention import ERASED
from services.placements.domain.lifecycle import Actor
from services.placements.domain.reminders import Reminder
from services.placements.events import event
from services.reference import jobs

TOPIC = "placements.convention"


def events_of(envelopes: list[Envelope]) -> list[tuple[Envelope, str]]:
    return [(e, TOPIC) for e in envelopes]


def _event(step: str, document: Document, version: int, payload: BaseModel) -> Envelope:
    return event(
        f"placements.convention.{step}", "convention", document["_id"], version, document["agency_id"], payload
    )


def step_event(
    document: Document, step: str, version: int, previous: str | None, action: str, actor: Actor, extra: Document
) -> Envelope:
    """`document` as it is after the step."""
    terms = document["terms"]
    payload = CONVENTION_STEPS[step].model_validate(
        {
            "convention_id": document["_id"],
            "agency_id": document["agency_id"],
            "beneficiary_id": document["beneficiary_id"],
            "counsellor_id": document["counsellor_id"],
            "status": document["status"],
            "previous_status": previous,
            "action": action,
            "actor": actor.value,
            "objective": terms["objective"],
            "rome_code": terms["rome_code"],
            "host_siret": terms["host"]["siret"],
            "place_id": terms["host"]["place_id"],
            "start_date": terms["start_date"],
            "end_date": terms["end_date"],
            "renewal_of": document.get("renewal_of"),
            **extra,
        }
    )
    return _event(step, document, version, payload)


def assessment_fields(assessment: Document, rome_code: str) -> Document:
    """What the assessment events say: codes and facts, not the tutor's words."""
    sectors = jobs.sectors_of(rome_code)
    return {
        "naf_division": sectors[0] if sectors else None,
        "attendance": assessment["attendance"],
        "objectives_met": assessment["objectives_met"],
        "hired": assessment["hired"],
        "contract_kind": assessment.get("contract_kind"),
        "hiring_start": assessment.get("hiring_start"),
        "project_conclusion": assessment["project_conclusion"],
    }


def link_issued_event(
    document: Document,
    version: int,
    role: PartyRole,
    link_id: str,
    purpose: LinkPurpose,
    expires_at: datetime,
    reissued: bool,
) -> Envelope:
    payload = contracts.LinkIssuedV1(
        convention_id=document["_id"],
        agency_id=document["agency_id"],
        role=role,
        link_id=link_id,
        purpose=purpose,
        expires_at=expires_at,
        reissued=reissued,
    )
    return _event("link_issued", document, version, payload)


def reminder_event(document: Document, version: int, reminder: Reminder) -> Envelope:
    payload = contracts.ReminderDueV1(
        convention_id=document["_id"],
        agency_id=document["agency_id"],
        counsellor_id=document["counsellor_id"],
        kind=reminder.kind,
        key=reminder.key,
        recipients=list(reminder.recipients),
        start_date=document["terms"]["start_date"],
        end_date=document["terms"]["end_date"],
    )
    return _event("reminder_due", document, version, payload)


def contacts_event(document: Document, version: int) -> Envelope:
    terms = document["terms"]
    host, tutor, person = terms["host"], terms["tutor"], terms["beneficiary"]
    contacts = [
        contracts.Contact(role=PartyRole.EMPLOYER, name=host["contact_name"], email=host["email"], phone=host["phone"]),
        contracts.Contact(role=PartyRole.TUTOR, name=tutor["name"], email=tutor["email"], phone=tutor["phone"]),
    ]
    if person["email"] and person["first_name"] != ERASED:
        contacts.append(
            contracts.Contact(
                role=PartyRole.BENEFICIARY,
                name=f"{person['first_name']} {person['last_name']}",
                email=person["email"],
                phone=person["phone"],
            )
        )
    representative = terms.get("legal_representative")
    if representative:
        contacts.append(
            contracts.Contact(
                role=PartyRole.LEGAL_REPRESENTATIVE,
                name=representative["name"],
                email=representative["email"],
                phone=representative["phone"],
            )
        )
    payload = contracts.ContactsChangedV1(
        convention_id=document["_id"],
        agency_id=document["agency_id"],
        beneficiary_id=document["beneficiary_id"],
        contacts=contacts,
    )
    return _event("contacts_changed", document, version, payload)
