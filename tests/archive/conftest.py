"""Fixtures of the archive tests: the seed page and fresh databases (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import Repository, open_database
from tests.conftest import migrated_postgres, migrated_sqlite

DATA = Path(__file__).resolve().parent / "data"
SEED_001 = DATA / "001_3a8888a9d5ffff60.txt"
SHARED_SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

RepoFactory = Callable[[], Repository]


@pytest.fixture
def seed_path() -> Path:
    return SEED_001


@pytest.fixture
def seed_text() -> str:
    return SEED_001.read_text(encoding="utf-8")


@pytest.fixture
def make_repo(tmp_path: Path) -> Iterator[RepoFactory]:
    """A factory of repositories, each on its own fresh SQLite file."""
    databases = []

    def make() -> Repository:
        database = open_database(migrated_sqlite(tmp_path / f"db{len(databases)}" / "x.db"))
        databases.append(database)
        return Repository(database)

    yield make
    for database in databases:
        database.dispose()


@pytest.fixture
def repo(make_repo: RepoFactory) -> Repository:
    return make_repo()


@pytest.fixture
def pg_repo() -> Iterator[Repository]:
    """A repository in a schema of its own on the test PostgreSQL server."""
    with migrated_postgres() as url:
        database = open_database(url)
        try:
            yield Repository(database)
        finally:
            database.dispose()
