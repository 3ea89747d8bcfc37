"""The layers hold: services depend on ports, and the concrete store satisfies every port."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from bot.services import ports
from bot.store import Repository, records

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "bot" / "services"
STORE_PORTS = (
    ports.MeetingStore,
    ports.TopicReader,
    ports.TopicStore,
    ports.VoteStore,
    ports.EventLog,
    ports.PublicationStore,
    ports.BodyStateStore,
    ports.LeaseStore,
    ports.JobRunStore,
    ports.LinkCacheStore,
    ports.Store,
)
# The store's values and errors (Publication, NotFoundError, UNSET, ...) may be imported.
VALUES = {name for name in vars(records) if not name.startswith("_")}


def concrete_store_imports(source: str) -> list[str]:
    """What ``source`` imports of the store other than its values and errors, or of SQL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                alias.name
                for alias in node.names
                if alias.name.split(".")[0] == "sqlalchemy"
                or (alias.name.startswith("bot.store") and alias.name != "bot.store.records")
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module
            if module.split(".")[0] == "sqlalchemy":
                found.append(module)
            elif module == "bot.store":
                found += [f"bot.store.{a.name}" for a in node.names if a.name not in VALUES]
            elif module.startswith("bot.store.") and module != "bot.store.records":
                found.append(module)
    return found


@pytest.mark.parametrize(
    "module",
    [path.name for path in sorted(SERVICES.glob("*.py"))],
)
def test_services_import_no_concrete_store_class(module: str) -> None:
    assert concrete_store_imports((SERVICES / module).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from bot.store import Repository\n", ["bot.store.Repository"]),
        ("from bot.store import NotFoundError, Database\n", ["bot.store.Database"]),
        ("from bot.store.topics import TopicRepository\n", ["bot.store.topics"]),
        ("import bot.store.repository\n", ["bot.store.repository"]),
        ("from sqlalchemy import select\n", ["sqlalchemy"]),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from bot.store import Repository\n",
            ["bot.store.Repository"],
        ),
        ("from bot.store import UNSET, DuplicateSourceError, Publication\n", []),
        ("from bot.store.records import LinkMeta\n", []),
        ("from bot.services.ports import TopicStore\n", []),
    ],
)
def test_the_rule_catches_what_it_is_for(source: str, found: list[str]) -> None:
    assert concrete_store_imports(source) == found


def _members(port: type) -> list[str]:
    """The methods a Protocol declares, its bases' included."""
    names = {
        name
        for cls in port.__mro__
        if cls.__module__ == ports.__name__
        for name, value in vars(cls).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }
    return sorted(names)


@pytest.mark.parametrize("port", STORE_PORTS, ids=lambda port: port.__name__)
def test_the_repository_has_each_port_method_with_its_signature(port: type) -> None:
    assert _members(port)
    for name in _members(port):
        declared = inspect.signature(getattr(port, name), eval_str=True)
        concrete = inspect.signature(getattr(Repository, name), eval_str=True)
        assert concrete == declared, f"{port.__name__}.{name}"


@pytest.mark.slow
def test_mypy_accepts_the_repository_as_every_port() -> None:
    """The static proof: tests/typed_ports.py assigns a Repository to each port."""
    from mypy import api

    typed = Path(__file__).resolve().parent / "typed_ports.py"
    assert all(f": {port.__name__} = repo" in typed.read_text("utf-8") for port in STORE_PORTS)
    out, err, status = api.run([str(typed), "--config-file", str(ROOT / "pyproject.toml")])
    assert status == 0, out + err
