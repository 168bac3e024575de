"""The events of a convention, built from the convention itself: each step, a party's new link, a
reminder, the parties' contact points (the one event with personal data, for notifications only)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from pydantic import BaseModel

from services.contracts.envelope import Envelope
from services.contracts.events import placements as contracts
from services.contracts.events.placements import LinkPurpose, PartyRole
from services.contracts.events.registry import CONVENTION_STEPS
from services.kit.domain import domain_event
from services.placements.domain.convention import Convention
from services.placements.domain.lifecycle import Actor
from services.placements.domain.reminders import Reminder
from services.placements.domain.terms import ERASED, Assessment
from services.reference import jobs

PRODUCER = "placements"
TOPIC = "placements.convention"
PERSONAL = frozenset({"placements.convention.contacts_changed"})  # the one event type with contacts
LINK_ISSUED = "placements.convention.link_issued"

event = partial(domain_event, PRODUCER)


def _event(step: str, convention: Convention, payload: BaseModel) -> Envelope:
    return event(
        f"placements.convention.{step}", "convention", convention.id, convention.version, convention.agency_id, payload
    )


def step_event(
    convention: Convention, step: str, previous: str | None, action: str, actor: Actor, extra: dict[str, Any]
) -> Envelope:
    """`convention` as it is after the step."""
    terms = convention.terms
    payload = CONVENTION_STEPS[step].model_validate(
        {
            "convention_id": convention.id,
            "agency_id": convention.agency_id,
            "beneficiary_id": convention.beneficiary_id,
            "counsellor_id": convention.counsellor_id,
            "status": convention.status.value,
            "previous_status": previous,
            "action": action,
            "actor": actor.value,
            "objective": terms.objective,
            "rome_code": terms.rome_code,
            "host_siret": terms.host.siret,
            "place_id": terms.host.place_id,
            "start_date": terms.start_date,
            "end_date": terms.end_date,
            "renewal_of": convention.renewal_of,
            **extra,
        }
    )
    return _event(step, convention, payload)


def assessment_fields(assessment: Assessment, rome_code: str) -> dict[str, Any]:
    """What the assessment events say: codes and facts, not the tutor's words."""
    sectors = jobs.sectors_of(rome_code)
    return {
        "naf_division": sectors[0] if sectors else None,
        "attendance": assessment.attendance,
        "objectives_met": assessment.objectives_met,
        "hired": assessment.hired,
        "contract_kind": assessment.contract_kind,
        "hiring_start": assessment.hiring_start,
        "project_conclusion": assessment.project_conclusion,
    }


def link_issued_event(
    convention: Convention, role: PartyRole, link_id: str, purpose: LinkPurpose, expires_at: datetime, reissued: bool
) -> Envelope:
    payload = contracts.LinkIssuedV1(
        convention_id=convention.id,
        agency_id=convention.agency_id,
        role=role,
        link_id=link_id,
        purpose=purpose,
        expires_at=expires_at,
        reissued=reissued,
    )
    return _event("link_issued", convention, payload)


def reminder_event(convention: Convention, reminder: Reminder) -> Envelope:
    payload = contracts.ReminderDueV1(
        convention_id=convention.id,
        agency_id=convention.agency_id,
        counsellor_id=convention.counsellor_id,
        kind=reminder.kind,
        key=reminder.key,
        recipients=list(reminder.recipients),
        start_date=convention.terms.start_date,
        end_date=convention.terms.end_date,
    )
    return _event("reminder_due", convention, payload)


def party_contacts(convention: Convention) -> list[contracts.Contact]:
    """Each party's name and means of contact, as placements gives them to notifications (an erased
    beneficiary and their legal representative have none left)."""
    terms = convention.terms
    host, tutor, person = terms.host, terms.tutor, terms.beneficiary
    contacts = [
        contracts.Contact(role=PartyRole.EMPLOYER, name=host.contact_name, email=host.email, phone=host.phone),
        contracts.Contact(role=PartyRole.TUTOR, name=tutor.name, email=tutor.email, phone=tutor.phone),
    ]
    if person.email and person.first_name != ERASED:
        contacts.append(
            contracts.Contact(
                role=PartyRole.BENEFICIARY,
                name=f"{person.first_name} {person.last_name}",
                email=person.email,
                phone=person.phone,
            )
        )
    representative = terms.legal_representative
    if representative:
        contacts.append(
            contracts.Contact(
                role=PartyRole.LEGAL_REPRESENTATIVE,
                name=representative.name,
                email=representative.email,
                phone=representative.phone,
            )
        )
    return contacts


def contacts_event(convention: Convention) -> Envelope:
    """Which parties have contact points now, not the contact points: notifications fetches them
    (`GET /internal/conventions/{id}/contacts`), so none is left on the topic after an erasure."""
    payload = contracts.ContactsChangedV2(
        convention_id=convention.id,
        agency_id=convention.agency_id,
        beneficiary_id=convention.beneficiary_id,
        roles=[contact.role for contact in party_contacts(convention)],
    )
    return _event("contacts_changed", convention, payload).model_copy(update={"event_version": 2})
