"""Fixtures of the Notion publisher tests: a fake Notion, a fake clock, a store per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.notion.client import make_client
from bot.notion.publisher import NotionPublisher
from bot.notion.users import NotionRequests
from bot.services.publications import NotionRecord
from bot.store import Database, Repository, open_database
from tests.conftest import migrated_postgres, migrated_sqlite
from tests.fakes import DatabaseRef, FakeClock, FakeNotion

TOKEN = "secret_fake_notion_token"
BOTH = ["sqlite", "postgresql"]  # parametrize("backend", BOTH) for exactly-once tests

PublisherFactory = Callable[..., NotionPublisher]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> Iterator[FakeNotion]:
    """Fake Notion with Notion's rate limit (3/s, burst 10) on the shared fake clock."""
    with FakeNotion(TOKEN, clock=clock) as server:
        yield server


@pytest.fixture
def client(fake: FakeNotion) -> Iterator[Any]:
    api = make_client(TOKEN, fake.url, timeout=5.0)
    try:
        yield api
    finally:
        api.close()


@pytest.fixture
def db(fake: FakeNotion) -> DatabaseRef:
    return fake.add_database("勉強会", {"名前": "title", "日付": "date", "タグ": "multi_select"})


@pytest.fixture
def backend() -> str:
    """SQLite unless a test parametrizes ``backend`` with BOTH."""
    return "sqlite"


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[Database]:
    if backend == "sqlite":
        with open_database(migrated_sqlite(tmp_path / "studybot.db")) as opened:
            yield opened
        return
    with migrated_postgres() as url, open_database(url) as opened:
        yield opened


@pytest.fixture
def repo(database: Database) -> Repository:
    return Repository(database)


@pytest.fixture
def sleeps(clock: FakeClock) -> list[float]:
    """Every wait the publishers asked for (the fake clock moves by it)."""
    return []


@pytest.fixture
def make_publisher(
    client: Any, repo: Repository, db: DatabaseRef, clock: FakeClock, sleeps: list[float]
) -> PublisherFactory:
    """A publisher on the fake clock; keyword arguments override the defaults."""

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    def make(
        api: NotionRequests | None = None, store: Repository | None = None, **overrides: Any
    ) -> NotionPublisher:
        options: dict[str, Any] = {
            "database_id": db.database_id,
            "parent_page_id": None,
            "date_property": None,
            "lang": "ja",
            "sleep": sleep,
            "monotonic": clock,
        }
        options.update(overrides)
        return NotionPublisher(api or client, NotionRecord(store or repo), **options)

    return make
