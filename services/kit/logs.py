"""Structured JSON logs on stderr, one object a line, with the correlation id of the work at hand.

No secret reaches a log: every line passes `redact` (tokens in query strings, the token segment of a
secure link's path, bearer tokens), and an error's traceback says which fields a validation error
refused, never their values (a refused body may hold a password)."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType

from services.kit import context

MASK = "***"
_SECRETS = (
    # ?access_token=..., &ticket=..., token=... in a query string
    (re.compile(r"(?i)\b((?:access_|refresh_|stream_)?(?:token|ticket)|password)=[^&\s\"'#]+"), rf"\1={MASK}"),
    # /links/peers/<token>, /links/introductions/<token>, /links/testimonies/<token>, /links/conventions/<id>/<token>
    (re.compile(r"(/links/(?:conventions/[^/\s?#\"']+|peers|introductions|testimonies)/)[^/\s?#\"']+"), rf"\1{MASK}"),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\1{MASK}"),
)

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def redact(text: str) -> str:
    """The text with every token or link secret it holds masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def describe_exception(error: BaseException) -> str:
    """A traceback, its chain included, with validation errors said by field and type only."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for position, link in enumerate(reversed(chain)):
        if position:
            parts.append("\nwhich led to:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(link.__traceback__))
        parts.append(f"{type(link).__module__}.{type(link).__qualname__}: {_said(link)}\n")
    return redact("".join(parts))


def _said(error: BaseException) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):  # pydantic's ValidationError and FastAPI's validation errors carry the input
        try:
            found = list(errors())
        except Exception:
            return "validation error"
        fields = ", ".join(
            f"{'.'.join(str(part) for part in e.get('loc', ()))} ({e.get('type')})"
            for e in found
            if isinstance(e, dict)
        )
        return f"{len(found)} validation error(s): {fields}"
    return str(error)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        trace = context._current.get()
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if trace is not None:
            entry["correlation_id"] = trace.correlation_id
            if trace.tenant_id:
                entry["tenant_id"] = trace.tenant_id
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False))

    def formatException(self, exc_info: _ExcInfo) -> str:
        return describe_exception(exc_info[1]) if exc_info[1] is not None else ""


class PlainFormatter(logging.Formatter):
    """One readable line, for a terminal; redacted as the JSON lines are."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatException(self, exc_info: _ExcInfo) -> str:
        return describe_exception(exc_info[1]) if exc_info[1] is not None else ""


def configure(service: str, level: str = "INFO", as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if as_json:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(PlainFormatter(f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "pymongo", "faststream"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # kafka-python (topic provisioning, lag) logs every refused connection; the runtime says it once, clearly.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # httpx logs every URL it requests at INFO: the console's proxy would log links and tokens
    logging.getLogger("httpx").setLevel(logging.WARNING)
