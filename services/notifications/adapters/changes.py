"""What a decision changed in a document without a version (inbox entries, e-mails): the fields to set,
and nothing else, so that two writers changing different fields at once both hold."""

from __future__ import annotations

from services.kit.mongo import Document


def changed_fields(before: Document, after: Document) -> Document:
    return {name: value for name, value in after.items() if before.get(name) != value}
