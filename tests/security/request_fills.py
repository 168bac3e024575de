"""How the authorization matrix fills a route's request for a cell: the path parameters from the records of
one side (the caller's agency or another one) and a valid body, so that what answers is the route's guard
and its tenancy check, never a validation error.

    path_value(name, side, world) -> str            KeyError for a parameter name it does not know
    body_for(route_key, side, world) -> dict | None  KeyError for a route with a body and no recipe

A new route with a new path parameter or a required body makes the matrix fail until it is added here."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from services.matching.api.gatherings import EXAMPLE as GATHERING_EXAMPLE
from services.placements.api.conventions import EXAMPLE as CONVENTION_EXAMPLE
from services.profiles.api.beneficiaries import EXAMPLE as BENEFICIARY_EXAMPLE
from services.profiles.api.peer_models import PEER_EXAMPLE
from services.reference.charter import CURRENT
from tests.security.platform import PASSWORD, Side, World

# path parameters that name a record of one agency: a route that has one is tried on both sides
TENANT_PARAMETERS = {
    "agency_id",
    "staff_id",
    "beneficiary_id",
    "peer_id",
    "introduction_id",
    "convention_id",
    "notification_id",
    "testimony_id",
    "gathering_id",
    "token",
}
# routes whose body names a record of one agency
TENANT_BODIES = {"placements POST /conventions"}


def path_value(name: str, side: Side, world: World) -> str:
    values: dict[str, Callable[[], str]] = {
        "agency_id": lambda: side.agency_id,
        "staff_id": lambda: side.closable_staff_id,
        "beneficiary_id": lambda: side.beneficiary_id,
        "peer_id": lambda: side.peer_id,
        "introduction_id": lambda: side.introduction_id,
        "convention_id": lambda: side.convention_id,
        "notification_id": lambda: side.notification_id,
        "email_id": lambda: world.email_id,
        "code": lambda: "M1805",
        "place_id": lambda: "2990969",
        "role": lambda: "employer",
        "action": lambda: "cancel",
        "number": lambda: "1",  # a concern about an introduction's meeting
        "testimony_id": lambda: side.testimony_id,
        "gathering_id": lambda: side.gathering_id,
    }
    return values[name]()


def _slots() -> dict[str, Any]:
    starts = (datetime.now(UTC) + timedelta(days=5)).replace(microsecond=0)
    return {"slots": [{"starts_at": starts.isoformat(), "minutes": 60, "venue": "in_person", "place": "Agence"}]}


def _future(days: int) -> str:
    return str((datetime.now(UTC) + timedelta(days=days)).date())


def _beneficiary() -> dict[str, Any]:
    body = copy.deepcopy(BENEFICIARY_EXAMPLE)
    body["identity"]["last_name"] = f"Matrice{uuid.uuid4().hex[:6]}"
    return body


def _peer() -> dict[str, Any]:
    body = copy.deepcopy(PEER_EXAMPLE)
    body["identity"].update(
        {"last_name": f"Matrice{uuid.uuid4().hex[:6]}", "email": f"{uuid.uuid4().hex[:8]}@pairs.test"}
    )
    body.update({"visibility": "agency", "consent_to_region": False})
    return body


def _text_testimony() -> dict[str, Any]:
    return {"format": "text", "title": "Mon parcours", "jobs": ["M1805"], "text": "Un témoignage écrit."}


def _convention(side: Side) -> dict[str, Any]:
    body = copy.deepcopy(CONVENTION_EXAMPLE)
    body.update({"beneficiary_id": side.beneficiary_id, "start_date": _future(90), "end_date": _future(100)})
    body["objective"] = "discover"
    return body


def _terms() -> dict[str, Any]:
    body = copy.deepcopy(CONVENTION_EXAMPLE)
    body.pop("beneficiary_id")
    body.update({"start_date": _future(60), "end_date": _future(80)})
    return body


def _gathering() -> dict[str, Any]:
    starts = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    body = copy.deepcopy(GATHERING_EXAMPLE)
    body.update({"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()})
    return body


def body_for(route_key: str, side: Side, world: World) -> dict[str, Any] | None:
    recipes: dict[str, Callable[[], dict[str, Any] | None]] = {
        "profiles POST /auth/login": lambda: {"email": world.own.emails["counsellor"], "password": PASSWORD},
        "profiles POST /auth/refresh": lambda: {"refresh_token": "not-a-refresh-token"},
        "profiles POST /auth/logout": lambda: {"refresh_token": "not-a-refresh-token"},
        "profiles POST /agencies/{agency_id}/staff": lambda: {
            "email": f"{uuid.uuid4().hex[:8]}@agence.test",
            "name": "Camille Matrice",
            "roles": ["counsellor"],
            "password": PASSWORD,
        },
        "profiles POST /agencies": lambda: {
            "name": f"Mission locale Matrice {uuid.uuid4().hex[:12]}",
            "kind": "mission_locale",
            "region_code": side.region_code,
        },
        "profiles PATCH /agencies/{agency_id}": lambda: {"name": f"Mission locale Matrice {uuid.uuid4().hex[:12]}"},
        "profiles POST /beneficiaries": _beneficiary,
        "profiles PATCH /beneficiaries/{beneficiary_id}": lambda: {"project": BENEFICIARY_EXAMPLE["project"]},
        "profiles POST /beneficiaries/{beneficiary_id}/close": lambda: {"outcome": "employment"},
        "profiles POST /peers": _peer,
        "profiles POST /internal/names": lambda: {
            "staff_id": side.closable_staff_id,
            "beneficiary_ids": [side.beneficiary_id],
            "peer_ids": [side.peer_id],
        },
        "profiles PUT /peers/{peer_id}": _peer,
        "profiles POST /peers/{peer_id}/pause": lambda: {"paused": True},
        "profiles POST /peers/{peer_id}/withdraw": lambda: {"reason": "by_request"},
        "profiles POST /beneficiaries/{beneficiary_id}/become-peer": lambda: (
            {key: value for key, value in _peer().items() if key not in {"kind", "identity"}}
            | {"email": f"{uuid.uuid4().hex[:8]}@pairs.test"}
        ),
        "profiles PATCH /links/peers/{token}": lambda: {"capacity_per_month": 2},
        "profiles POST /links/peers/{token}/pause": lambda: {"paused": True},
        "profiles POST /peers/{peer_id}/testimony-consent": lambda: {"given": True},
        "profiles POST /peers/{peer_id}/testimonies": _text_testimony,
        "profiles POST /testimonies/{testimony_id}/shares": lambda: {"beneficiary_id": side.beneficiary_id, "days": 7},
        "profiles POST /links/peers/{token}/testimonies": _text_testimony,
        "profiles POST /links/peers/{token}/testimony-consent": lambda: {"given": True},
        "profiles POST /links/peers/{token}/charter": lambda: {"version": CURRENT.version},
        "matching POST /beneficiaries/{beneficiary_id}/introductions": lambda: {
            "peer_id": side.peer_id,
            "purpose": "testimony",
            "beneficiary_agreed": True,
        },
        "matching POST /introductions/{introduction_id}/agreement": lambda: {"agreed": True},
        "matching POST /introductions/{introduction_id}/meeting": lambda: {
            "held_on": str(datetime.now(UTC).date()),
            "mode": "video",
        },
        "matching POST /introductions/{introduction_id}/feedback": lambda: {"took_place": True, "usefulness": 4},
        "matching POST /links/introductions/{token}/answer": lambda: {"accept": True},
        "matching POST /links/introductions/{token}/feedback": lambda: {"took_place": True, "usefulness": 5},
        "matching POST /links/introductions/{token}/contact": lambda: {"channel": "email"},
        "matching POST /introductions/{introduction_id}/slots": _slots,
        "matching POST /introductions/{introduction_id}/messages": lambda: {"text": "Bonjour"},
        "matching POST /introductions/{introduction_id}/concerns": lambda: {"reason": "other", "text": "essai"},
        "matching POST /introductions/{introduction_id}/concerns/{number}/review": lambda: {"resume_peer": True},
        "matching POST /links/introductions/{token}/concerns": lambda: {"reason": "other", "text": "essai"},
        "matching POST /links/introductions/{token}/messages": lambda: {"text": "Bonjour"},
        "matching POST /introductions/{introduction_id}/slots/pick": lambda: {"proposal": 1, "slot": 0},
        "matching POST /links/introductions/{token}/slots": _slots,
        "matching POST /links/introductions/{token}/slots/pick": lambda: {"proposal": 1, "slot": 0},
        "placements POST /conventions": lambda: _convention(side),
        "placements PUT /conventions/{convention_id}": _terms,
        "placements POST /conventions/{convention_id}/renew": lambda: {
            "start_date": _future(120),
            "end_date": _future(130),
        },
        "placements POST /conventions/{convention_id}/{action}": lambda: {"reason": "other", "note": "essai de droits"},
        "placements PUT /agency/validation": lambda: {"validation": "one_step"},
        "placements POST /links/conventions/{convention_id}/{token}/decline": lambda: {"reason": "no_capacity"},
        "placements POST /links/conventions/{convention_id}/{token}/contest": lambda: {"reason": "other", "note": "x"},
        "placements POST /links/conventions/{convention_id}/{token}/assessment": lambda: {
            "attendance": "completed",
            "objectives_met": True,
            "hired": False,
            "skills_observed": ["rigueur"],
            "project_conclusion": "confirmed",
            "comments": "",
        },
        "notifications PUT /preferences": lambda: {"kinds": {"suggestion": "both"}},
        "matching POST /gatherings": lambda: _gathering(),
        "matching POST /gatherings/{gathering_id}/invitations": lambda: {"beneficiary_id": side.beneficiary_id},
        "matching POST /gatherings/{gathering_id}/registrations": lambda: {"beneficiary_id": side.beneficiary_id},
        "matching POST /gatherings/{gathering_id}/witnesses": lambda: {"peer_id": side.peer_id},
        "matching POST /gatherings/{gathering_id}/attendance": lambda: {
            "attendance": [{"beneficiary_id": side.beneficiary_id, "present": True}]
        },
    }
    return recipes[route_key]()
