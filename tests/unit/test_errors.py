"""The one shape of every error (`services.kit.errors`), on a small app built as every service's is, and
each service's refusals walked through it: every refusal maps to a stable code, a 4xx status and a French
message."""

from __future__ import annotations

import ast
import importlib
import itertools
import pkgutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

import services
from services.contracts import links as link_kinds
from services.kit.domain import Conflict, Forbidden, Gone, InvalidInput, NotFound, Refusal
from services.kit.errors import ERROR_RESPONSES, ApiRefusal, Said, answer_errors, refusal_answer
from services.kit.outbox import ConcurrentUpdate
from tests.french import SNAKE, english_shown, english_words, is_french, problems_of_error

ROOT = Path(services.__file__).parent


class Place(BaseModel):
    mobility_km: int = Field(ge=1, le=200)
    name: str = Field(max_length=10)
    capacity_per_month: int = Field(default=2, ge=0)


class Body(BaseModel):
    project: Place
    tags: list[str] = Field(default_factory=list, max_length=3)


class Shelf(Refusal):
    status = 409
    code = "shelf_full"


class Legacy(Exception):
    pass


class LegacyChild(Legacy):
    pass


def app() -> TestClient:
    built = FastAPI()
    answer_errors(built)
    answer_errors(built, {Legacy: Said(409, "legacy_refused", "Ancien refus."), LegacyChild: Said(403, "child")})

    @built.post("/things", responses=ERROR_RESPONSES)
    async def create(body: Body) -> dict[str, str]:
        return {"name": body.project.name}

    raised: dict[str, Exception] = {
        "missing": NotFound("Cette chose n'existe pas.", code="thing_not_found"),
        "conflict": Conflict("Déjà fait."),
        "forbidden": Forbidden("Pas pour vous.", field="owner"),
        "gone": Gone("Ce lien a expiré.", code="link_expired"),
        "shelf": Shelf("L'étagère est pleine.", shelf_id="s1"),
        "concurrent": ConcurrentUpdate("thing-1", 3),
        "invalid": InvalidInput([("project.name", "Indiquez le nom."), ("tags", "Trois au plus.")]),
        "edge": ApiRefusal(429, "too_many_requests", "Trop de demandes.", headers={"Retry-After": "3"}),
        "legacy": Legacy("old English text"),
        "child": LegacyChild("Refus de l'enfant."),
    }

    @built.get("/raise/{what}", responses=ERROR_RESPONSES)
    async def fail(what: str) -> None:
        raise raised[what]

    return TestClient(built, raise_server_exceptions=False)


def test_a_range_is_said_with_the_fields_own_limits_and_unit() -> None:
    answer = app().post("/things", json={"project": {"mobility_km": 500, "name": "x" * 11, "capacity_per_month": -1}})
    body = answer.json()
    assert answer.status_code == 422 and problems_of_error(body) == []
    said = {e["field"]: e["message"] for e in body["errors"]}
    assert said == {
        "project.mobility_km": "Indiquez une valeur entre 1 et 200 km.",
        "project.name": "Indiquez au plus 10 caractères.",
        "project.capacity_per_month": "Indiquez une valeur d'au moins 0 par mois.",
    }
    assert body["code"] == "invalid_input" and body["field"] == "project.mobility_km"
    assert body["message"].startswith("3 champs sont à corriger : Indiquez une valeur entre 1 et 200 km.")
    assert body["detail"][0]["loc"] == ["body", "project", "mobility_km"], "older readers still find `detail`"


def test_a_missing_field_a_wrong_type_and_a_long_list_are_french_without_the_input() -> None:
    answer = app().post("/things", json={"project": {"mobility_km": "secret-value"}, "tags": ["a", "b", "c", "d"]})
    body = answer.json()
    assert answer.status_code == 422 and problems_of_error(body) == [] and "secret-value" not in answer.text
    said = {e["field"]: (e["code"], e["message"]) for e in body["errors"]}
    assert said["project.mobility_km"] == ("int_parsing", "Indiquez un nombre entier.")
    assert said["project.name"] == ("missing", "Ce champ est obligatoire.")
    assert said["tags"] == ("too_long", "Indiquez au plus 3 éléments.")


@pytest.mark.parametrize(
    ("what", "status", "code", "field"),
    [
        ("missing", 404, "thing_not_found", None),
        ("conflict", 409, "conflict", None),
        ("forbidden", 403, "forbidden", "owner"),
        ("gone", 410, "link_expired", None),
        ("shelf", 409, "shelf_full", None),
        ("concurrent", 409, "concurrent_update", None),
        ("invalid", 422, "invalid_input", "project.name"),
        ("edge", 429, "too_many_requests", None),
        ("legacy", 409, "legacy_refused", None),
        ("child", 403, "child", None),
    ],
)
def test_every_kind_of_refusal_has_the_one_shape(what: str, status: int, code: str, field: str | None) -> None:
    answer = app().get(f"/raise/{what}")
    body = answer.json()
    assert (answer.status_code, body["code"], body["field"]) == (status, code, field)
    assert problems_of_error(body) == [], body
    assert body["detail"] == body["message"] or isinstance(body["detail"], list)


def test_a_refusal_keeps_its_extras_and_an_edge_refusal_its_headers() -> None:
    client = app()
    assert client.get("/raise/shelf").json()["shelf_id"] == "s1"
    assert client.get("/raise/edge").headers["retry-after"] == "3"
    assert client.get("/raise/legacy").json()["message"] == "Ancien refus.", "the table's French, not the text"
    assert client.get("/raise/child").json()["message"] == "Refus de l'enfant.", "else the exception's own"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [("GET", "/nowhere", 404, "not_found"), ("DELETE", "/things", 405, "method_not_allowed")],
)
def test_fastapis_own_errors_are_said_in_french_by_status(method: str, path: str, status: int, code: str) -> None:
    answer = app().request(method, path)
    assert answer.status_code == status and answer.json()["code"] == code
    assert problems_of_error(answer.json()) == []


def test_openapi_documents_the_shape_on_the_routes() -> None:
    document = app().get("/openapi.json").json()
    assert set(document["components"]["schemas"]["ApiError"]["properties"]) == {"code", "field", "message", "errors"}
    responses = document["paths"]["/things"]["post"]["responses"]
    for status in ("401", "403", "404", "409", "413", "422", "429"):
        assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApiError"}


# -- each service's refusals ------------------------------------------------------------------------------


def _tables() -> dict[str, dict[type[Exception], Said]]:
    from services.matching.api import REFUSALS as matching
    from services.notifications.api import REFUSALS as notifications
    from services.placements.app import REFUSALS as placements
    from services.profiles.api import REFUSALS as profiles

    return {"profiles": profiles, "matching": matching, "placements": placements, "notifications": notifications}


def _checked(error: Exception, table: dict[type[Exception], Said]) -> dict[str, Any]:
    answer = refusal_answer(error, table)
    assert answer is not None, f"{type(error).__name__} has no answer"
    import json

    body = json.loads(bytes(answer.body))
    assert 400 <= answer.status_code < 500, (error, answer.status_code)
    assert problems_of_error(body) == [], (type(error).__name__, body)
    return body


def test_every_placements_refused_transition_is_a_coded_french_409_or_403() -> None:
    from services.placements.domain.lifecycle import Action, Actor, Status, Validation, next_status

    table, seen = _tables()["placements"], set()
    for current, action, validation in itertools.product(Status, Action, Validation):
        for actors in (frozenset(Actor), frozenset({Actor.EMPLOYER})):
            try:
                next_status(current, action, actors, validation)
            except Exception as error:
                body = _checked(error, table)
                assert body["status"] == current and isinstance(body["allowed"], list)
                seen.add(body["code"])
    assert seen == {"convention_wrong_status", "not_your_step"}


def test_every_matching_refusal_is_a_coded_french_answer() -> None:
    from services.matching.domain.actor import NotYours
    from services.matching.domain.introduction import RefusedTransition
    from services.matching.use_cases.introductions import NotFound as IntroductionNotFound
    from services.matching.use_cases.introductions import Refused
    from services.matching.use_cases.suggestions import UnknownPeer

    table = _tables()["matching"]
    refusals = [
        UnknownPeer("peer-1"),
        RefusedTransition("Cette mise en relation est déclinée : on ne peut pas l'accepter."),
        NotYours("Cette étape ne vous revient pas : vous ne pouvez pas l'annuler."),
        Refused("Ce pair n'a plus de place ce mois-ci.", code="peer_full"),
        IntroductionNotFound("Cette mise en relation n'existe pas.", code="introduction_not_found"),
    ]
    codes = [_checked(error, table)["code"] for error in refusals]
    assert codes == [
        "peer_not_found",
        "introduction_wrong_status",
        "not_your_step",
        "peer_full",
        "introduction_not_found",
    ]


def test_every_profiles_and_notifications_refusal_is_a_coded_french_answer() -> None:
    from services.notifications.domain import email, inbox_entry
    from services.profiles.domain.access import Actor
    from services.profiles.domain.lifecycle import NotYours
    from services.profiles.domain.peer_lifecycle import Action

    assert _checked(NotYours(Action.PAUSE, Actor.OPERATOR), _tables()["profiles"])["code"] == "not_allowed_for_actor"
    notifications = _tables()["notifications"]
    refusals = [
        inbox_entry.NotYours("no notification n1 in this inbox"),
        inbox_entry.AlreadyPushed("n1"),
        email.Refused(email.Status.SENT, email.Action.RETRY),
        email.NotAllowed(email.Role.SENDER, email.Action.RETRY),
    ]
    codes = [_checked(error, notifications)["code"] for error in refusals]
    assert codes == ["notification_not_found", "notification_refused", "email_wrong_status", "not_your_step"]


def test_the_beneficiarys_problems_are_placed_where_the_form_has_them() -> None:
    from services.profiles.domain.beneficiary import InvalidBeneficiary

    refused = InvalidBeneficiary([("first_name", "Indiquez le prénom."), ("counsellor_id", "x"), ("place_id", "y")])
    assert [refused.location(f) for f, _ in refused.problems] == [
        ["identity", "first_name"],
        ["counsellor_id"],
        ["project", "place_id"],
    ]


def _service_modules() -> list[str]:
    names = []
    for module in pkgutil.walk_packages([str(ROOT)], "services."):
        if not module.name.endswith(("__main__", ".demo", ".demo_peers", ".mailcatcher")):
            names.append(module.name)
    return names


def test_every_refusal_class_of_every_service_has_a_snake_case_code_and_a_4xx_status() -> None:
    for name in _service_modules():
        importlib.import_module(name)
    found: list[type[Refusal]] = []
    pending: list[type[Refusal]] = [Refusal]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending += kind.__subclasses__()
    assert {k.__name__ for k in found} >= {"NotFound", "Conflict", "Forbidden", "Gone", "LinkRefused", "Refused"}
    for kind in found:
        assert SNAKE.match(kind.code), kind
        assert 400 <= kind.status < 500, kind


REFUSING = {"NotFound", "Conflict", "Forbidden", "Gone", "Refused", "LinkRefused", "ApiRefusal", "NotPrintable"}
REFUSING |= {"InvalidAgency", "InvalidStaff", "InvalidInput", "InvalidBeneficiary", "InvalidPeer", "unauthorized"}


def _texts(node: ast.AST) -> list[str]:
    """The literal text of a message: string constants and the constant parts of f-strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [" ".join(_texts(part)[0] if _texts(part) else "" for part in node.values)]
    if isinstance(node, ast.BinOp | ast.IfExp | ast.Tuple | ast.List):
        return [t for child in ast.iter_child_nodes(node) for t in _texts(child)]
    return []


def _refusal_messages() -> list[tuple[str, int, str]]:
    """Every literal message given to a refusal or an invalid input in the services' code."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "importing" in path.parts:  # the import tool's row report: a spreadsheet's columns, not an API
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            appended = callee == "append" and "domain" in path.parts
            if callee not in REFUSING and not appended:
                continue
            arguments = [*node.args, *(k.value for k in node.keywords if k.arg in (None, "message"))]
            for argument in arguments:
                for text in _texts(argument):
                    if " " in text.strip():  # a sentence, not a code or a field name
                        found.append((str(path.relative_to(ROOT)), node.lineno, text))
    return found


def test_every_refusal_message_written_in_the_services_is_french() -> None:
    messages = _refusal_messages()
    assert len(messages) > 80, "the walk finds the services' refusals"
    english = [(where, line, text, english_words(text)) for where, line, text in messages if not is_french(text)]
    assert english == []


def test_no_route_raises_a_bare_httpexception() -> None:
    """Every refusal carries its code: an HTTPException is said only by status (`BY_STATUS`)."""
    raising = []
    for path in ROOT.rglob("*.py"):
        if "HTTPException(" in path.read_text() and path.name != "errors.py":
            raising.append(str(path.relative_to(ROOT)))
    assert raising == []


@pytest.mark.parametrize("kind", [link_kinds.PEER_INTRODUCTION, link_kinds.PEER_PROFILE, link_kinds.CONVENTION_PARTY])
def test_a_links_refusals_are_said_by_its_kind(kind: link_kinds.LinkKind) -> None:
    key = "k" * 40
    now = datetime(2026, 12, 1, tzinfo=UTC)
    token = kind.token(key, "subject-1", now - timedelta(days=1))
    assert kind.opened(key, kind.token(key, "subject-1", now + timedelta(days=1)), now) == "subject-1"
    with pytest.raises(Gone) as expired:
        kind.opened(key, token, now)
    assert expired.value.code == "link_expired" and is_french(expired.value.message)
    with pytest.raises(Forbidden) as altered:
        kind.opened(key, token[:-3] + "abc", now)
    assert altered.value.code == "link_invalid" and altered.value.message == link_kinds.LINK_INVALID
    with pytest.raises(Forbidden):
        link_kinds.PEER_PROFILE.opened(key, link_kinds.PEER_INTRODUCTION.token(key, "s", now + timedelta(1)), now)


def test_the_login_refusal_is_french() -> None:
    from services.profiles.api.auth import WRONG_CREDENTIALS

    assert WRONG_CREDENTIALS == "Adresse e-mail ou mot de passe incorrect."


def test_the_check_of_french_finds_english_and_lets_codes_and_proper_nouns_through() -> None:
    assert english_words("this needs one of the roles: counsellor") == ["this", "needs", "of", "the"]
    assert english_shown("regional coordinators see aggregates: GET /stats/beneficiaries") != []
    assert english_shown("Bénéficiaire : undefined") == ["undefined"]
    french = "Convention PMSMP (SIRET 73282932000074, ROME M1805) : sent_to_employer, « brouillon »."
    assert english_words(french) == english_shown(french) == []
    assert problems_of_error({"code": "x", "field": None, "message": "not found"}) != []
    assert problems_of_error({"code": "NotFound", "field": None, "message": "Introuvable."}) != []
    assert problems_of_error({"detail": "Introuvable."}) != []
