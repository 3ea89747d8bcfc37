"""Engine set-up and migrations on both backends."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, make_url, text
from sqlalchemy.exc import IntegrityError

from bot.store import Database, Repository, create_db_engine, migration_state, open_database
from bot.store.db import MIGRATIONS_DIR
from bot.store.models import Base

MEETING = dt.date(2024, 5, 16)
TABLES = {
    "alembic_version",
    "meetings",
    "topics",
    "votes",
    "processed_events",
    "publications",
    "job_runs",
    "link_cache",
}


def _schema_diff(url: str) -> list[object]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_empty_database_matches_models(db_url: str) -> None:
    assert migration_state(db_url)[0] is None
    open_database(db_url).dispose()
    current, head = migration_state(db_url)
    assert current == head == "0005"
    assert _schema_diff(db_url) == []


def test_tables_created(db_url: str) -> None:
    with open_database(db_url) as db:
        assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_reopen_is_idempotent_and_keeps_data(db_url: str) -> None:
    with open_database(db_url) as db:
        Repository(db).ensure_meeting(MEETING)
    with open_database(db_url) as db:
        assert Repository(db).meeting_dates() == [MEETING]


@pytest.mark.slow
def test_downgrade_and_upgrade_again(db_url: str) -> None:
    with open_database(db_url) as db, db.engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
        assert set(inspect(conn).get_table_names()) == {"alembic_version"}
        command.upgrade(config, "head")
    assert _schema_diff(db_url) == []


def test_concurrent_start_up_migrates_once(db_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        try:
            barrier.wait()
            open_database(db_url).dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert migration_state(db_url) == ("0005", "0005")


def test_sqlite_creates_parent_dir_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "studybot.db"
    with open_database(f"sqlite:///{path}") as db, db.engine.connect() as conn:
        assert path.exists()
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15_000


def test_migration_state_does_not_create_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "studybot.db"
    assert migration_state(f"sqlite:///{path}") == (None, "0005")
    assert not path.parent.exists()


def test_sqlite_in_memory() -> None:
    with open_database("sqlite://") as db:
        assert Repository(db).ensure_meeting(MEETING).date == MEETING


def test_plain_postgresql_url_uses_psycopg() -> None:
    engine = create_db_engine("postgresql://root@127.0.0.1:5432/test")
    try:
        assert engine.dialect.driver == "psycopg"
        assert make_url(str(engine.url)).database == "test"
    finally:
        engine.dispose()


def test_foreign_keys_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO votes (topic_id, member_id, emojis) VALUES (999, 'U1', '+1')")
        )


def test_a_current_database_opens_without_alembic(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alembic costs ~0.4 s to import: a start that finds the schema current skips it."""
    from bot.store import db as db_module

    open_database(db_url).dispose()  # migrated once

    def no_alembic() -> None:
        raise AssertionError("Alembic was configured for a database already at head")

    monkeypatch.setattr(db_module, "_alembic_config", no_alembic)
    with open_database(db_url) as database:
        assert db_module.current_revision(database.engine) == db_module.head_revision()
    assert db_module.migration_state(db_url) == (db_module.head_revision(),) * 2


def test_the_head_read_from_the_files_is_alembics() -> None:
    from bot.store import db as db_module

    assert db_module.head_revision() == db_module._alembic_head()
