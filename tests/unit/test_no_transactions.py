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
        f"{path.name}:{node.lineno} {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TRANSACTIONAL
    ]


def test_no_service_code_starts_a_session_or_a_transaction() -> None:
    found = [call for path in sorted(SERVICES.rglob("*.py")) for call in calls_in(path)]
    assert found == []


def test_the_check_sees_a_transaction_where_there_is_one(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "async def f(client):\n    async with client.start_session() as s:\n        await s.start_transaction()\n"
    )
    assert calls_in(sample) == ["sample.py:2 start_session", "sample.py:3 start_transaction"]
