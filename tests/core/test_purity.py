"""The core stays pure: no Slack, Notion, httpx, SQL or scheduler imports."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = ("slack_sdk", "slack_bolt", "notion_client", "httpx", "sqlalchemy", "apscheduler")
CORE = Path(__file__).resolve().parents[2] / "bot" / "core"


def test_core_imports_nothing_impure() -> None:
    offenders = []
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in FORBIDDEN
                or (n.startswith("bot.") and not n.startswith("bot.core"))
            ]
    assert offenders == []
