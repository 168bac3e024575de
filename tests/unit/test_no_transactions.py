"""The database engine has no multi-document transactions: writes inside one apply at once and its commit
fails. So no code may start one (see services/kit/mongo.py); every state change is one document."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "services"
TRANSACTIONAL = {"start_session", "start_transaction", "with_transaction"}


def calls_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(SERVICES.parent)}:{node.lineno} {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TRANSACTIONAL
    ]


def test_no_service_code_starts_a_session_or_a_transaction() -> None:
    found = [call for path in sorted(SERVICES.rglob("*.py")) for call in calls_in(path)]
    assert found == []


def test_the_check_sees_a_transaction_where_there_is_one(tmp_path: Path) -> None:
    module = SERVICES / "kit" / "mongo.py"
    sample = tmp_path / "sample.py"
    sample.write_text(
        "async def f(client):\n    async with client.start_session() as s:\n        await s.start_transaction()\n"
    )
    tree_calls = [
        n.func.attr
        for n in ast.walk(ast.parse(sample.read_text()))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]
    assert TRANSACTIONAL & set(tree_calls) == {"start_session", "start_transaction"}
    assert module.exists()
