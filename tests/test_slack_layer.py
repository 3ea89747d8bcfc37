"""The Slack layer is an adapter: it reaches the database only through the services."""

from __future__ import annotations

import ast
from pathlib import Path

SLACK = Path(__file__).resolve().parents[1] / "bot" / "slack"


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            if node.module == "bot":  # `from bot import store`
                names += [f"bot.{alias.name}" for alias in node.names]
    return names


def test_slack_imports_nothing_from_the_store() -> None:
    modules = sorted(SLACK.rglob("*.py"))
    assert modules  # the layer is where this test thinks it is
    offenders = [
        f"{path.relative_to(SLACK)}: {name}"
        for path in modules
        for name in _imports(path)
        if name.split(".")[:2] == ["bot", "store"] or name.split(".")[0] == "sqlalchemy"
    ]
    assert offenders == []


def _function(within: Path | ast.AST, name: str) -> ast.FunctionDef:
    tree = ast.parse(within.read_text(encoding="utf-8")) if isinstance(within, Path) else within
    found = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == name
    ]
    assert len(found) == 1, name
    return found[0]


def _service_calls(function: ast.FunctionDef) -> list[str]:
    """``deps.topics.X(...)`` / ``deps.cycle.X(...)`` calls: the services a handler uses."""
    calls = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if (
                isinstance(owner, ast.Attribute)
                and isinstance(owner.value, ast.Name)
                and owner.value.id == "deps"
                and owner.attr in ("topics", "cycle")
            ):
                calls.append(f"{owner.attr}.{node.func.attr}")
    return calls


def test_the_submission_handlers_are_thin() -> None:
    """`/topic TEXT` and the form's submission: read, one service call, render, send."""
    inline = _function(SLACK / "commands.py", "_submit_later")
    form = _function(_function(SLACK / "modal.py", "_submission"), "handle")
    for handler in (inline, form):
        assert handler.end_lineno is not None
        assert handler.end_lineno - handler.lineno + 1 <= 25, handler.name
        assert _service_calls(handler) == ["topics.submit"], handler.name


def test_no_handler_reaches_into_a_service() -> None:
    """The Slack layer calls the services' methods, never their repository or cycle."""
    reaching = [
        f"{path.relative_to(SLACK)}:{node.lineno}"
        for path in sorted(SLACK.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in ("repo", "cycle", "cards")
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "topics"
    ]
    assert reaching == []
