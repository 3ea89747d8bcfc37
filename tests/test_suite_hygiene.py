"""The test suite's own rules: no sleeping instead of waiting, no wall-clock assertions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# The one place allowed to pause: the polling helper that waits on a condition.
POLLERS = {("slack/harness.py", "wait_for")}
CLOCKS = {"monotonic", "perf_counter", "process_time", "time", "elapsed"}


def _sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "fakes" not in p.relative_to(TESTS).parts)


def _functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node mapped to the name of the innermost function around it."""
    owner: dict[ast.AST, str] = {}

    def visit(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else name
            )
            owner[child] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return owner


def _is_sleep(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "sleep":
        return isinstance(func.value, ast.Name) and func.value.id in ("time", "asyncio")
    return isinstance(func, ast.Name) and func.id == "sleep"


def _reads_clock(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in CLOCKS:
            base = sub.value
            if sub.attr == "elapsed" or (isinstance(base, ast.Name) and base.id == "time"):
                return True
    return False


def sleeps_and_clock_asserts(source: str, relative: str) -> list[str]:
    tree = ast.parse(source)
    owner = _functions(tree)
    found = []
    for node in ast.walk(tree):
        allowed = (relative, owner.get(node, "<module>")) in POLLERS
        if isinstance(node, ast.Call) and _is_sleep(node) and not allowed:
            found.append(f"{relative}:{node.lineno}: sleeps; wait on an explicit signal")
        if isinstance(node, ast.Assert) and _reads_clock(node.test):
            found.append(f"{relative}:{node.lineno}: asserts on wall-clock time; use bench/")
    return found


@pytest.mark.slow
def test_no_test_sleeps_or_asserts_on_wall_clock_time() -> None:
    problems = []
    for path in _sources():
        relative = path.relative_to(TESTS).as_posix()
        problems += sleeps_and_clock_asserts(path.read_text(encoding="utf-8"), relative)
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        "import time\ndef test_x():\n    time.sleep(0.2)\n    assert True\n",
        "from time import sleep\ndef test_x():\n    sleep(1)\n",
        "import time\ndef test_x():\n    t = time.monotonic()\n    assert time.monotonic() - t < 3",
        "def test_x(watch):\n    assert watch.elapsed < 1.0\n",
    ],
)
def test_the_rule_catches_what_it_is_for(source: str) -> None:
    assert sleeps_and_clock_asserts(source, "x.py")


def test_the_rule_allows_waiting_on_signals() -> None:
    source = (
        "import threading, time\n"
        "def test_x(event):\n"
        "    assert event.wait(30)\n"
        "    deadline = time.monotonic() + 5\n"
    )
    assert sleeps_and_clock_asserts(source, "x.py") == []
