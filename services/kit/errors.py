"""Every error any service answers, in one shape, said in one place.

    {"code": "<stable snake_case code>", "field": "<dotted field path or null>", "message": "<French sentence>"}

`code` is for programs (stable: a client may branch on it), `field` names the input the error is about (a form
shows the message next to it; null when the error is about the whole request), `message` is a French sentence
a person can read. A 422 also lists every problem in `errors`, each in the same shape, so that a form can show
them all at once. `detail` is kept beside them for the clients that read it before this shape existed: the
message for a refusal, FastAPI's own list (`loc`, `msg`, `type`) for a 422.

What raises what:
- a domain or use case raises a `Refusal` (`NotFound`, `Conflict`, `Forbidden`, `Gone`, or its own
  subclass): its status, code and message travel as they are; a service maps its older exceptions to a
  status and a code with `Said` in the table it gives `answer_errors`;
- the kit's edges (tokens, roles, rate limits, links) and the routes raise `ApiRefusal`, an HTTPException
  with a code, so that FastAPI's dependency machinery lets it through;
- FastAPI's own errors (an unknown route, a wrong method, a missing bearer) get a code and a French message
  from their status (`BY_STATUS`);
- a body that does not validate is a 422 whose messages are French and never echo the input (`FRENCH`,
  ranges said with the field's own limits: "Indiquez une valeur entre 1 et 200 km.").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi import HTTPException as FastApiHTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from services.kit.domain import Conflict, Forbidden, Gone, InvalidInput, NotFound, Refusal
from services.kit.outbox import ConcurrentUpdate

__all__ = [
    "BY_STATUS",
    "ERROR_RESPONSES",
    "FRENCH",
    "ApiError",
    "ApiRefusal",
    "Conflict",
    "Forbidden",
    "Gone",
    "NotFound",
    "Refusal",
    "Said",
    "answer_errors",
    "error_body",
    "respond",
]

INVALID_INPUT = "invalid_input"
BODY_TOO_LARGE = "body_too_large"
BODY_UNREADABLE = "body_unreadable"
CONCURRENT_UPDATE = "concurrent_update"
FASTAPI_PARSE_FAILURE = "There was an error parsing the body"
CONCURRENT_MESSAGE = "Ces données ont changé entre-temps : rechargez la page, puis recommencez."


# -- the shape, for OpenAPI -------------------------------------------------------------------------------


class FieldError(BaseModel):
    code: str = Field(description="stable snake_case code of the problem, for programs")
    field: str | None = Field(description="dotted path of the input it is about (`identity.first_name`), or null")
    message: str = Field(description="what is wrong, in French, for people")


class ApiError(FieldError):
    """Every 4xx (and the console's 502/504) of every service."""

    errors: list[FieldError] | None = Field(
        default=None, description="on a 422: every problem found, each at its field"
    )


def _documented(description: str) -> dict[str, Any]:
    return {"model": ApiError, "description": description}


# the responses every route documents (`include_router(..., responses=ERROR_RESPONSES)`)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _documented("Connexion requise, ou jeton invalide"),
    403: _documented("Refusé à cet appelant"),
    404: _documented("Introuvable, ou invisible pour cet appelant"),
    409: _documented("L'état des choses ne le permet pas maintenant"),
    413: _documented("Corps de la requête trop grand"),
    422: _documented("Saisie à corriger: chaque problème à son champ dans `errors`"),
    429: _documented("Trop de demandes: `Retry-After` dit quand recommencer"),
}


# -- the bodies ---------------------------------------------------------------------------------------------


def encodable(text: str) -> str:
    """The text without what UTF-8 cannot encode (lone surrogates become '?')."""
    return text.encode("utf-8", "replace").decode("utf-8")


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """One error: the three keys every client reads, `detail` (the message) for older clients, and extras."""
    message = encodable(message)
    return {"code": code, "field": field, "message": message, "detail": message, **extra}


def respond(
    status_code: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body = error_body(code, message, field, **(extra or {}))
    return JSONResponse(body, status_code=status_code, headers=headers)


def dotted(loc: Iterable[Any]) -> str | None:
    """`["body", "identity", "first_name"]` -> `identity.first_name`; the body itself -> None."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return encodable(".".join(parts)) if parts else None


def invalid_body(problems: Sequence[tuple[Sequence[Any], str, str]]) -> dict[str, Any]:
    """A 422's body from its problems, each (FastAPI-style location, French message, code)."""
    errors = [{"code": code, "field": dotted(loc), "message": encodable(message)} for loc, message, code in problems]
    legacy = [
        {"loc": [p if isinstance(p, int) else encodable(str(p)) for p in loc], "msg": encodable(m), "type": code}
        for loc, m, code in problems
    ]
    first = errors[0] if errors else {"field": None, "message": "La demande est incomplète."}
    message = first["message"] if len(errors) <= 1 else f"{len(errors)} champs sont à corriger : {first['message']}"
    return {"code": INVALID_INPUT, "field": first["field"], "message": message, "errors": errors, "detail": legacy}


def invalid(problems: Sequence[tuple[Sequence[Any], str, str]]) -> JSONResponse:
    return JSONResponse(invalid_body(problems), status_code=422)


# -- what raises them --------------------------------------------------------------------------------------


class ApiRefusal(FastApiHTTPException):
    """A refusal raised at the HTTP edge (a dependency, a route): an HTTPException, so FastAPI lets it pass
    through its dependency machinery, carrying its code and field."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, message, dict(headers) if headers else None)
        self.code, self.field, self.message = code, field, message


@dataclass(frozen=True)
class Said:
    """How a service's own exception is said: its status and code; the message is the exception's text
    (French) unless `message` says otherwise (a text, or a function of the exception)."""

    status: int
    code: str
    message: str | Callable[[Exception], str] | None = None
    extra: Callable[[Exception], dict[str, Any]] | None = None

    def answer(self, error: Exception) -> JSONResponse:
        message = self.message(error) if callable(self.message) else self.message or str(error)
        code = getattr(error, "code", None) or self.code
        field = getattr(error, "field", None)
        extra = self.extra(error) if self.extra else {}
        return respond(self.status, code, message, field if isinstance(field, str) else None, extra=extra)


# FastAPI's and Starlette's own refusals, and any HTTPException raised without a code
BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "La demande est mal formée."),
    401: ("unauthorized", "Connexion requise : connectez-vous."),
    403: ("forbidden", "Vous n'avez pas accès à cette action."),
    404: ("not_found", "Cette adresse n'existe pas."),
    405: ("method_not_allowed", "Cette action n'est pas possible à cette adresse."),
    406: ("not_acceptable", "Ce format de réponse n'est pas disponible."),
    409: ("conflict", "L'état des choses ne le permet pas maintenant."),
    410: ("gone", "Ceci n'existe plus."),
    413: (BODY_TOO_LARGE, "Le corps de la requête est trop grand."),
    415: ("unsupported_media_type", "Ce format de contenu n'est pas accepté ici."),
    422: (INVALID_INPUT, "La demande contient des valeurs à corriger."),
    429: ("too_many_requests", "Trop de demandes en peu de temps : réessayez dans un instant."),
    500: ("internal_error", "Une erreur inattendue est survenue : réessayez dans un instant."),
    502: ("upstream_unavailable", "Un service ne répond pas : réessayez dans un instant."),
    503: ("unavailable", "Le service est momentanément indisponible : réessayez dans un instant."),
    504: ("upstream_timeout", "Un service a mis trop de temps à répondre : réessayez dans un instant."),
}


def for_status(status_code: int) -> tuple[str, str]:
    return BY_STATUS.get(status_code) or BY_STATUS[500 if status_code >= 500 else 400]


# -- validation errors, in French ---------------------------------------------------------------------------

# pydantic's error types, said in French (ranges and lengths are said with their limits: `_with_limits`)
FRENCH: dict[str, str] = {
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "string_unicode": "Ce texte contient un caractère invalide (un demi-caractère Unicode isolé).",
    "missing": "Ce champ est obligatoire.",
    "string_type": "Indiquez un texte.",
    "string_too_short": "Ce texte est trop court.",
    "string_too_long": "Ce texte est trop long.",
    "string_pattern_mismatch": "Ce texte n'a pas la forme attendue.",
    "int_parsing": "Indiquez un nombre entier.",
    "int_type": "Indiquez un nombre entier.",
    "int_from_float": "Indiquez un nombre entier.",
    "float_parsing": "Indiquez un nombre.",
    "float_type": "Indiquez un nombre.",
    "decimal_parsing": "Indiquez un nombre.",
    "bool_parsing": "Indiquez oui ou non (true ou false).",
    "bool_type": "Indiquez oui ou non (true ou false).",
    "date_parsing": "Indiquez une date (AAAA-MM-JJ).",
    "date_type": "Indiquez une date (AAAA-MM-JJ).",
    "date_from_datetime_parsing": "Indiquez une date (AAAA-MM-JJ).",
    "date_from_datetime_inexact": "Indiquez une date sans heure (AAAA-MM-JJ).",
    "datetime_parsing": "Indiquez une date et une heure.",
    "datetime_type": "Indiquez une date et une heure.",
    "datetime_from_date_parsing": "Indiquez une date et une heure.",
    "time_parsing": "Indiquez une heure (HH:MM).",
    "enum": "Choisissez une valeur de la liste.",
    "literal_error": "Choisissez une valeur de la liste.",
    "greater_than": "Cette valeur est trop petite.",
    "greater_than_equal": "Cette valeur est trop petite.",
    "less_than": "Cette valeur est trop grande.",
    "less_than_equal": "Cette valeur est trop grande.",
    "too_short": "Cette liste a trop peu d'éléments.",
    "too_long": "Cette liste a trop d'éléments.",
    "list_type": "Indiquez une liste.",
    "set_type": "Indiquez une liste.",
    "tuple_type": "Indiquez une liste.",
    "dict_type": "Indiquez un objet JSON.",
    "model_type": "Indiquez un objet JSON.",
    "model_attributes_type": "Indiquez un objet JSON.",
    "extra_forbidden": "Ce champ n'est pas attendu.",
    "recursion_loop": "Le corps de la requête est trop imbriqué.",
    "uuid_parsing": "Indiquez un identifiant valide.",
    "uuid_type": "Indiquez un identifiant valide.",
    "url_parsing": "Indiquez une adresse web valide.",
    "url_scheme": "Indiquez une adresse web qui commence par https://.",
    "multiple_of": "Cette valeur n'est pas un multiple accepté.",
}

# the unit a field's limits are said in, from the end of its name
UNITS: tuple[tuple[str, str], ...] = (
    ("_km", "km"),
    ("_days", "jours"),
    ("_months", "mois"),
    ("_hours", "heures"),
    ("_per_month", "par mois"),
    ("_per_week", "par semaine"),
    ("_minutes", "minutes"),
    ("_seconds", "secondes"),
)

RANGE_TYPES = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
LENGTH_TYPES = {"string_too_short", "string_too_long", "too_short", "too_long"}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def _unit(loc: Sequence[Any]) -> str:
    name = str(loc[-1]) if loc else ""
    for suffix, unit in UNITS:
        if name.endswith(suffix):
            return f" {unit}"
    return ""


def _limits(route: Any, loc: Sequence[Any]) -> dict[str, Any]:
    """The ge/gt/le/lt/min_length/max_length of the field at `loc` in the route's body model, if found."""
    found: dict[str, Any] = {}
    if len(loc) == 2 and loc[0] in ("query", "path", "header"):
        dependant = getattr(route, "dependant", None)
        params = getattr(dependant, f"{loc[0]}_params", ()) if dependant is not None else ()
        info = next((p.field_info for p in params if loc[1] in (p.alias, p.name)), None)
        return _metadata(info)
    body = getattr(getattr(route, "body_field", None), "field_info", None)
    if body is None or not loc or loc[0] != "body":
        return found
    model: Any = _model_of(body.annotation)
    info = None
    for part in loc[1:]:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return found
        info = fields[part]
        model = _model_of(info.annotation)
    return _metadata(info)


def _metadata(info: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in getattr(info, "metadata", ()) if info is not None else ():
        for name in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            value = getattr(item, name, None)
            if value is not None:
                found[name] = value
    return found


def _model_of(annotation: Any) -> Any:
    """The pydantic model inside an annotation (`Model`, `Model | None`, `list[Model]`), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        model = _model_of(argument)
        if model is not None:
            return model
    return None


def _with_limits(code: str, loc: Sequence[Any], ctx: Mapping[str, Any], limits: Mapping[str, Any]) -> str | None:
    """A range or a length said with the field's own limits: "Indiquez une valeur entre 1 et 200 km."."""
    if code in RANGE_TYPES:
        low = limits.get("ge", ctx.get("ge"))
        high = limits.get("le", ctx.get("le"))
        low_open = limits.get("gt", ctx.get("gt"))
        high_open = limits.get("lt", ctx.get("lt"))
        unit = _unit(loc)
        if low is not None and high is not None:
            return f"Indiquez une valeur entre {_number(low)} et {_number(high)}{unit}."
        if low is not None:
            return f"Indiquez une valeur d'au moins {_number(low)}{unit}."
        if high is not None:
            return f"Indiquez une valeur d'au plus {_number(high)}{unit}."
        if low_open is not None:
            return f"Indiquez une valeur supérieure à {_number(low_open)}{unit}."
        if high_open is not None:
            return f"Indiquez une valeur inférieure à {_number(high_open)}{unit}."
        return None
    if code in LENGTH_TYPES:
        shortest = limits.get("min_length", ctx.get("min_length"))
        longest = limits.get("max_length", ctx.get("max_length"))
        what = "caractères" if code.startswith("string") else "éléments"
        if shortest is not None and longest is not None and shortest > 0:
            return f"Indiquez de {shortest} à {longest} {what}."
        if code.endswith("too_long") and longest is not None:
            return f"Indiquez au plus {longest} {what}."
        if code.endswith("too_short") and shortest is not None:
            return f"Indiquez au moins {shortest} {what}." if shortest > 1 else "Ce champ est obligatoire."
    return None


def said_in_french(error: Mapping[str, Any], route: Any = None) -> tuple[Sequence[Any], str, str]:
    """One pydantic error as (location, French message, code), its input and context left out."""
    code = str(error.get("type", "value_error"))
    loc = tuple(error.get("loc", ("body",)))
    ctx = error.get("ctx") or {}
    message = _with_limits(code, loc, ctx, _limits(route, loc) if route is not None else {})
    if message is None:
        message = FRENCH.get(code) or _own_message(error)
    return loc, message, code


def _own_message(error: Mapping[str, Any]) -> str:
    """A validator's own message (our validators speak French), or a French default for pydantic's others."""
    text = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if str(error.get("type", "")) in ("value_error", "assertion_error") and text:
        return text
    return "Cette valeur n'est pas acceptée."


# -- the handlers -------------------------------------------------------------------------------------------


def answer_errors(app: FastAPI, table: Mapping[type[Exception], Said] | None = None) -> None:
    """Registers the one shape on a service's app: FastAPI's errors, validation errors, the kit's refusals,
    and the service's own exceptions as `table` says them. Called once by `kit.http.create_app`; a service
    adds its table by calling it again with it."""
    for kind, said in (table or {}).items():
        app.add_exception_handler(kind, _answer_with(said))
    if table is not None:
        return
    app.add_exception_handler(RequestValidationError, answer_validation)
    app.add_exception_handler(HTTPException, answer_http)
    app.add_exception_handler(Refusal, answer_refusal)
    app.add_exception_handler(InvalidInput, answer_invalid_input)
    app.add_exception_handler(ConcurrentUpdate, answer_concurrent_update)


async def answer_validation(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    route = request.scope.get("route")
    return invalid([said_in_french(e, route) for e in error.errors()])


async def answer_http(request: Request, error: Exception) -> Response:
    """An HTTPException: an `ApiRefusal` as it says, FastAPI's own by its status (the console wraps this to
    answer its pages in HTML)."""
    assert isinstance(error, HTTPException)
    headers = getattr(error, "headers", None)
    if isinstance(error, ApiRefusal):
        return respond(error.status_code, error.code, error.message, error.field, headers)
    if error.status_code == 400 and error.detail == FASTAPI_PARSE_FAILURE:
        # the JSON parser gave up (nested deeper than it recurses, or no JSON at all)
        message = "Le corps de la requête n'a pas pu être lu : JSON invalide ou trop imbriqué."
        return invalid([(("body",), message, BODY_UNREADABLE)])
    code, message = for_status(error.status_code)
    if error.status_code == 401:
        headers = headers or {"WWW-Authenticate": "Bearer"}
    if isinstance(error.detail, str) and not _stock(error.status_code, error.detail):
        message = error.detail  # a route's own HTTPException, said before this module (French)
    return respond(error.status_code, code, message, None, headers)


async def answer_refusal(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refusal)
    return respond(error.status, error.code, error.message, error.field, extra=error.extra)


async def answer_invalid_input(request: Request, error: Exception) -> Response:
    assert isinstance(error, InvalidInput)
    return invalid([(["body", *error.location(f)], m, error.code) for f, m in error.problems])


async def answer_concurrent_update(request: Request, error: Exception) -> Response:
    return respond(409, CONCURRENT_UPDATE, CONCURRENT_MESSAGE)


STOCK_DETAILS = {"Not authenticated", "Invalid authentication credentials", "Not Found", "Method Not Allowed"}


def _stock(status_code: int, detail: str) -> bool:
    """FastAPI's and Starlette's own texts ("Not Found", "Not authenticated"...): English, said by status."""
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        phrase = ""
    return detail == phrase or detail in STOCK_DETAILS or not detail


def _answer_with(said: Said) -> Callable[[Request, Exception], Any]:
    async def handler(request: Request, error: Exception) -> Response:
        return said.answer(error)

    return handler


def refusal_answer(error: Exception, table: Mapping[type[Exception], Said]) -> JSONResponse | None:
    """What `answer_errors` answers to `error` with this table (the most specific class wins), None if
    nothing: for unit tests that walk a service's refusals without an app."""
    for kind in type(error).__mro__:
        if kind in table:
            return table[kind].answer(error)
    if isinstance(error, Refusal):
        return respond(error.status, error.code, error.message, error.field, extra=error.extra)
    if isinstance(error, ConcurrentUpdate):
        return respond(409, CONCURRENT_UPDATE, CONCURRENT_MESSAGE)
    return None
