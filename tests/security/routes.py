"""Every HTTP route of the platform, read from the services' own FastAPI apps, and who may call it, read from
the dependencies each route declares.

    service_routes() -> list[Route]          every route of the five apps (built, never started)
    classify(route) -> Gate                  the route's gate; UnclassifiedRoute when nothing known guards it

The gate comes from the dependency tree of the route, never from a list of paths: the kit's role aliases
(`services.kit.identity.require(...)`, read from the closure, so AgencyStaff, Counsellor, AgencyAdmin and
any new alias), the bare `current_caller` (any staff token), the operator dependency
(`services.kit.auth.require_operator`), the services' own internal routes
(`services.kit.internal_api.internal_caller`), profiles' `operator_or_staff` and `open_agency_staff`, the live
stream's `stream_listener`, and the three link dependencies (a link token in the path). A dependency that is a
component getter (its only parameter the request) or a function whose own dependencies carry the gate is
neutral; any other dependency, a route that nothing guards and is not in the short list of public ones
(health, metrics, the JWKS, the login, the console's pages), an unknown path parameter, or a route with a
body and no body recipe makes the route unclassified, and the matrix fails until it is classified here."""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security.base import SecurityBase
from starlette.requests import Request

from services.kit import auth, identity, internal_api

SERVICES = ("profiles", "matching", "placements", "notifications", "console")
STAFF_ROLES = tuple(role.value for role in identity.Role)


class Kind(StrEnum):
    PUBLIC = "public"  # no credential: anyone
    STAFF = "staff"  # any valid staff token
    ROLES = "roles"  # a staff token holding one of `roles`
    OPERATOR = "operator"  # the operator token
    AGENCY_ADMINISTRATION = "agency administration"  # the operator, or the admin of the agency in the path
    OPERATOR_OR_STAFF = "operator or staff"  # the operator or any staff token
    LINK = "link"  # the link token in the path, whatever the headers
    PROXY = "proxy"  # the console forwarding to a service: that service's gate
    INTERNAL = "internal"  # another service's short-lived token (services.kit.internal_api): no person
    BODY_CREDENTIAL = "body credential"  # a refresh token in the body: none of the matrix's callers holds one


@dataclass(frozen=True)
class Gate:
    kind: Kind
    roles: frozenset[str] = frozenset()
    link: str = ""  # for LINK: the link's kind, as in its path: peers, introductions, testimonies or conventions


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    dependant: Dependant
    has_body: bool
    body_required: bool

    @property
    def key(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)(?::\w+)?}", self.path)


# the routes meant for anyone: a route that no dependency guards and is not one of these is an error
PUBLIC_PATHS = {"/healthz", "/readyz", "/metrics", "/asyncapi.json"}
PUBLIC_ROUTES = {
    "profiles GET /.well-known/jwks.json",
    "profiles POST /auth/login",
    "profiles POST /auth/logout",  # ends the sign-in of the refresh token it is given, or nothing
}
# the routes whose credential is in the body (a refresh token), whatever the headers say
BODY_CREDENTIAL_ROUTES = {"profiles POST /auth/refresh"}


def meant_to_be_public(route: Route) -> bool:
    console_page = route.service == "console" and route.method == "GET" and not route.path.startswith("/api/")
    return route.path in PUBLIC_PATHS or route.key in PUBLIC_ROUTES or console_page


class UnclassifiedRoute(Exception):
    """A route whose guard is not known here: classify it (routes.py) before it ships."""


def _gate_of_call(call: Callable[..., Any]) -> Gate | None:
    if call is identity.current_caller:
        return Gate(Kind.STAFF)
    if call is auth.require_operator:
        return Gate(Kind.OPERATOR)
    module, name = getattr(call, "__module__", ""), getattr(call, "__qualname__", "")
    if module == internal_api.__name__ and name == "internal_caller.<locals>.check":
        return Gate(Kind.INTERNAL)
    if module == identity.__name__ and name == "require.<locals>.check":
        roles = inspect.getclosurevars(call).nonlocals["roles"]
        return Gate(Kind.ROLES, frozenset(str(r) for r in roles))
    known: dict[tuple[str, str], Gate] = {
        ("services.profiles.deps", "operator_or_staff"): Gate(Kind.OPERATOR_OR_STAFF),
        ("services.profiles.deps", "open_agency_staff"): Gate(Kind.ROLES, frozenset(map(str, identity.AGENCY_ROLES))),
        ("services.notifications.deps", "stream_listener"): Gate(Kind.STAFF),  # a staff token, or its ticket
        ("services.profiles.deps", "own_peer"): Gate(Kind.LINK, link="peers"),
        ("services.profiles.api.testimony_deps", "opened_testimony"): Gate(Kind.LINK, link="testimonies"),
        ("services.console.deps", "upstreams"): Gate(Kind.PROXY),
    }
    return known.get((module, name))


def _is_component_getter(call: Callable[..., Any]) -> bool:
    """`def thing(request: Request) -> Thing`: reads the app's state, guards nothing."""
    parameters = list(inspect.signature(call).parameters.values())
    return len(parameters) == 1 and parameters[0].annotation in (Request, "Request")


def _gates(dependant: Dependant, route: str) -> list[Gate]:
    found: list[Gate] = []
    for sub in dependant.dependencies:
        call = sub.call
        if call is None or isinstance(call, SecurityBase):
            continue
        gate = _gate_of_call(call)
        if gate is not None:
            found.append(gate)
            continue
        inner = _gates(sub, route)
        if not inner and not _is_component_getter(call):
            raise UnclassifiedRoute(f"{route}: dependency {call.__module__}.{call.__qualname__} is not classified")
        found.extend(inner)
    return found


def classify(route: Route) -> Gate:
    gates = set(_gates(route.dependant, route.key))
    links = {g for g in gates if g.kind is Kind.LINK}
    if links:
        return links.pop()
    staff_or_operator = {Kind.STAFF, Kind.ROLES, Kind.OPERATOR, Kind.OPERATOR_OR_STAFF}
    if (
        "{token}" in route.path
        and route.path.startswith("/links/")
        and not any(g.kind in staff_or_operator for g in gates)
    ):
        if route.service == "console":
            return Gate(Kind.PUBLIC)  # the console's link pages are the same page for everyone; the API decides
        return Gate(Kind.LINK, link=route.path.split("/")[2])  # matching and placements read the token themselves
    if any(g.kind is Kind.PROXY for g in gates):
        return Gate(Kind.PROXY)
    if Gate(Kind.INTERNAL) in gates:
        return Gate(Kind.INTERNAL)
    if Gate(Kind.OPERATOR) in gates:
        return Gate(Kind.OPERATOR)
    if any(g.kind is Kind.OPERATOR_OR_STAFF for g in gates):
        # profiles' agency and account routes that name an agency let in its administrators only
        # (OperatorOrStaff.administers); the list of agencies is for any caller with a token
        return Gate(Kind.AGENCY_ADMINISTRATION if "agency_id" in route.path_params else Kind.OPERATOR_OR_STAFF)
    role_sets = [g.roles for g in gates if g.kind is Kind.ROLES]
    if role_sets:
        return Gate(Kind.ROLES, frozenset.intersection(*role_sets))
    if Gate(Kind.STAFF) in gates:
        return Gate(Kind.STAFF)
    if route.key in BODY_CREDENTIAL_ROUTES:
        return Gate(Kind.BODY_CREDENTIAL)
    if not meant_to_be_public(route):
        raise UnclassifiedRoute(f"{route.key}: nothing guards it; if it is meant for anyone, add it to PUBLIC_ROUTES")
    return Gate(Kind.PUBLIC)


def _settings(service: str, module: Any, key_file: Path) -> Any:
    classes = [
        value
        for name, value in vars(module).items()
        if name.endswith("Settings") and isinstance(value, type) and value.__module__ == module.__name__
    ]
    extra: dict[str, Any] = {"link_signing_key": "k" * 40}
    if service == "profiles":
        extra["jwt_private_key_file"] = key_file
    settings_class: Any = classes[0]
    return settings_class(**{k: v for k, v in extra.items() if k in settings_class.model_fields})


@functools.cache
def build_apps() -> dict[str, FastAPI]:
    """Each service's app as its composition root builds it (nothing is started or connected)."""
    from services.profiles.adapters.tokens import ensure_key_file

    apps = {}
    with tempfile.TemporaryDirectory() as folder:
        key_file = ensure_key_file(Path(folder) / "jwt.pem")
        for service in SERVICES:
            module = importlib.import_module(f"services.{service}.app")
            apps[service] = module.build_app(_settings(service, module, key_file))
    return apps


def service_routes(apps: dict[str, FastAPI] | None = None) -> list[Route]:
    routes = []
    for service, app in (apps or build_apps()).items():
        for context in iter_route_contexts(app.routes):
            if not isinstance(context.original_route, APIRoute):
                continue  # the docs pages, the OpenAPI document and the static files
            body = context.body_field
            for method in sorted(context.methods or ()):
                routes.append(
                    Route(
                        service=service,
                        method=method,
                        path=str(context.path),
                        dependant=context.dependant,
                        has_body=body is not None,
                        body_required=bool(body is not None and body.field_info.is_required()),
                    )
                )
    return routes
