"""Fixtures of the archive tests: the seed page and fresh databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.store import Repository, open_database

DATA = Path(__file__).resolve().parent / "data"
SEED_001 = DATA / "001_3a8888a9d5ffff60.txt"
SHARED_SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"

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
        database = open_database(f"sqlite:///{tmp_path / f'db{len(databases)}' / 'x.db'}")
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
    admin = create_engine(PG_URL, poolclass=NullPool)
    schema = f"s_{uuid.uuid4().hex}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = open_database(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        yield Repository(database)
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
