"""The one layout of every service: storage lives in `adapters/` (and in the kit, which provides the
storage tools), so that domain code, service layers, routes and event handlers never touch a collection."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "services"

COLLECTION_METHODS = frozenset(
    {
        "aggregate",
        "bulk_write",
        "count_documents",
        "create_index",
        "create_indexes",
        "delete_many",
        "delete_one",
        "distinct",
        "drop",
        "estimated_document_count",
        "find_one",
        "find_one_and_delete",
        "find_one_and_replace",
        "find_one_and_update",
        "get_collection",
        "insert_many",
        "insert_one",
        "list_collection_names",
        "replace_one",
        "update_many",
        "update_one",
        "watch",
    }
)
DATABASE_NAMES = frozenset({"db", "database"})


def _is_storage_module(path: Path) -> bool:
    parts = path.relative_to(SERVICES).parts
    return parts[0] == "kit" or "adapters" in parts


def _receiver(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


CURSOR_METHODS = frozenset({"to_list", "sort", "limit", "skip"})


def _reads_documents(call: ast.Call, cursors: set[int]) -> bool:
    """`x.find(...)` on a collection rather than on a string: given a query document or a projection, or
    read as a cursor (sorted, limited, listed, iterated)."""
    return (
        any(isinstance(a, ast.Dict) for a in call.args[:2])
        or any(k.arg in ("filter", "projection") for k in call.keywords)
        or id(call) in cursors
    )


def collection_calls(source: str) -> list[tuple[int, str]]:
    """Lines that call a collection or pick one from a database: `x.find_one(...)`, `x.find({...})`,
    `async for d in x.find(query)`, `db["peers"]`, `database[PEERS]`."""
    tree = ast.parse(source)
    cursors = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in CURSOR_METHODS}
    cursors |= {id(n.iter) for n in ast.walk(tree) if isinstance(n, ast.AsyncFor)}
    cursors |= {id(g.iter) for n in ast.walk(tree) if isinstance(n, ast.comprehension) for g in [n] if g.is_async}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in COLLECTION_METHODS or (name == "find" and _reads_documents(node, cursors)):
                found.append((node.lineno, f".{name}(...)"))
        elif isinstance(node, ast.Subscript) and _receiver(node.value) in DATABASE_NAMES:
            found.append((node.lineno, f"{_receiver(node.value)}[...]"))
    return sorted(found)


def test_no_module_outside_adapters_touches_a_collection() -> None:
    offenders = [
        f"{path.relative_to(SERVICES.parent)}:{line} {what}"
        for path in sorted(SERVICES.rglob("*.py"))
        if not _is_storage_module(path)
        for line, what in collection_calls(path.read_text())
    ]
    assert not offenders, "collection calls outside adapters/:\n" + "\n".join(offenders)


def test_the_walk_sees_the_calls_it_must_refuse() -> None:
    source = (
        "async def f(db, c, q):\n"
        "    await c.update_one({}, {})\n"
        '    c.find({"a": 1})\n'
        '    db["peers"]\n'
        '    "x".find("y")\n'
        "    await c.find(q).to_list()\n"
        "    [d async for d in c.find(q)]\n"
        "    async for d in c.find(q):\n"
        "        pass\n"
    )
    assert [line for line, _ in collection_calls(source)] == [2, 3, 4, 6, 7, 8]
