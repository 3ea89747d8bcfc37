"""Fixtures of the store tests: a fresh database per test on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.model import NewTopic, Note, Presenter
from bot.store import Database, Repository, open_database
from tests.conftest import migrated_postgres, migrated_sqlite, postgres_schema

JST = dt.timezone(dt.timedelta(hours=9))
MEETING = dt.date(2024, 5, 16)

NewTopicFactory = Callable[..., NewTopic]


class FakeClock:
    """A settable UTC clock."""

    def __init__(self) -> None:
        self.now = dt.datetime(2024, 5, 13, 3, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


# Fixtures that open the database at db_url: their tests get it migrated already (a copy,
# see tests/conftest.py), so opening it does nothing; the others get it empty.
_OPENED_BY = frozenset({"database", "replicas"})


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database (SQLite in a not yet existing directory), or of one at
    the head revision with empty tables when the test uses a fixture that opens it."""
    migrated = bool(_OPENED_BY & set(request.fixturenames))
    path = tmp_path / "data" / "studybot.db"
    if request.param == "sqlite":
        yield migrated_sqlite(path) if migrated else f"sqlite:///{path}"
    else:
        with migrated_postgres() if migrated else postgres_schema("s") as url:
            yield url


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """A migrated database, disposed after the test."""
    with open_database(db_url) as db:
        yield db


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def repo(database: Database, clock: FakeClock) -> Repository:
    return Repository(database, clock=clock)


@pytest.fixture
def new_topic() -> NewTopicFactory:
    """Build a NewTopic; every field can be overridden, the url defaults to a unique one."""
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> NewTopic:
        n = next(counter)
        url = overrides.setdefault("url", f"https://example.com/{n}")
        overrides.setdefault("normalized_url", url)
        base = NewTopic(
            meeting=MEETING,
            tag="論文",
            title=f"Topic {n}",
            url=url,
            normalized_url=url,
            presenter=Presenter("U1", "山田", "yamada@example.com"),
            submitted_at=dt.datetime(2024, 5, 13, 9, 0, tzinfo=JST) + dt.timedelta(minutes=n),
            notes=(Note("要点"), Note("詳細", depth=1)),
        )
        return dataclasses.replace(base, **overrides)

    return make
