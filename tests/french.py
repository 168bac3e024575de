"""What the tests call French: no common English word a person might read. Words, not letters: accents are
welcome but not required ("Indiquez le nom." has none), codes and proper nouns (PMSMP, SIRET, ROME, NAF,
JSON, AAAA-MM) are fine."""

from __future__ import annotations

import re
from typing import Any

# common English words that never belong in a French sentence of the platform ("a", "on", "or", "is" are
# left out: they are French too, or too short to judge; "pas", "sans" are French)
ENGLISH = frozenset(
    [
        "the",
        "not",
        "must",
        "invalid",
        "found",
        "cannot",
        "can't",
        "does",
        "doesn't",
        "only",
        "already",
        "this",
        "that",
        "these",
        "those",
        "with",
        "without",
        "your",
        "you",
        "please",
        "error",
        "required",
        "missing",
        "wrong",
        "should",
        "would",
        "could",
        "which",
        "where",
        "when",
        "what",
        "there",
        "their",
        "unknown",
        "allowed",
        "forbidden",
        "denied",
        "expired",
        "token",
        "request",
        "answer",
        "try",
        "again",
        "retry",
        "between",
        "least",
        "most",
        "characters",
        "digits",
        "month",
        "months",
        "days",
        "hours",
        "week",
        "needs",
        "need",
        "give",
        "say",
        "why",
        "and",
        "of",
        "to",
        "for",
        "from",
        "by",
        "in",
        "into",
        "at",
        "be",
        "been",
        "being",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "its",
        "it's",
        "see",
        "is",
        "will",
        "if",
        "then",
        "than",
        "some",
        "any",
        "all",
        "each",
        "every",
        "here",
        "who",
        "how",
        "we",
        "they",
        "our",
        "my",
    ]
)

# words of an interface left in English, or of a value shown raw, that no page should show
NEVER_SHOWN = ENGLISH | {
    "undefined", "null", "nan", "true", "false", "error", "loading", "submit", "save", "search", "cancel",
    "delete", "edit", "next", "previous", "back", "yes", "status", "failed", "object", "none", "home", "link",
    "login", "logout", "password", "sign", "name", "new", "open", "other", "peer", "peers", "beneficiary",
    "beneficiaries", "counsellor", "counsellors", "agency", "agencies", "regional", "coordinator",
    "coordinators", "aggregates", "dashboard", "staff", "validator", "step", "steps", "meeting", "feedback",
}  # fmt: skip

WORD = re.compile(r"[\w'\u2019]+")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def english_words(text: str) -> list[str]:
    """The English words of `text` (lowercased), in order."""
    words = (m.group(0) for m in WORD.finditer(text))
    # a code (PARCOURS_OPERATOR_TOKEN, PMSMP, not_found) is not a word of the sentence
    spoken = (w for w in words if "_" not in w and not (w.isupper() and len(w) > 1))
    return [w for w in (w.lower().strip("'\u2019") for w in spoken) if w in ENGLISH]


def english_shown(text: str) -> list[str]:
    """The English words of a page's visible text (`NEVER_SHOWN`): codes and proper nouns in capitals
    (PMSMP, SIRET, ROME, NAF) and codes with an underscore are not words of a sentence."""
    found = []
    for word in WORD.findall(text):
        if "_" in word or (word.isupper() and len(word) > 1):
            continue
        if word.lower().strip("'\u2019") in NEVER_SHOWN:
            found.append(word)
    return found


def is_french(text: str) -> bool:
    return bool(text.strip()) and not english_words(text)


def problems_of_error(body: Any) -> list[str]:
    """What is wrong with an error body against the one shape (`services.kit.errors`): [] when it is right."""
    if not isinstance(body, dict):
        return [f"not an object: {body!r}"]
    problems = []
    for key in ("code", "field", "message"):
        if key not in body:
            problems.append(f"no {key!r} in {body}")
    code, field, message = body.get("code"), body.get("field"), body.get("message")
    if not isinstance(code, str) or not SNAKE.match(code):
        problems.append(f"code {code!r} is not snake_case")
    if field is not None and not isinstance(field, str):
        problems.append(f"field {field!r} is neither a dotted path nor null")
    if not isinstance(message, str) or not is_french(message):
        problems.append(f"message {message!r} is not French ({english_words(str(message))})")
    for item in body.get("errors") or []:
        problems += [f"in errors: {p}" for p in problems_of_error(item)]
    return problems
