"""Engine creation, start-up migrations and sessions for SQLite and PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from bot.store.writes import WriterLock as WriterLock

if TYPE_CHECKING:  # Alembic costs ~0.4 s to import: only when a migration must run
    from alembic.config import Config
    from sqlalchemy.orm import Session, sessionmaker

# Every Slack listener thread (32), submission worker and the scheduler may hold a
# connection at once; SQLAlchemy's default of 5 + 10 made listeners time out in bursts.
_POOL: dict[str, int] = {"pool_size": 10, "max_overflow": 40, "pool_timeout": 60}
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# How long a writer waits in line for the in-process writer lock: as long as SQLite
# would have let it wait, so a stuck writer still surfaces as "database is locked".
WRITER_TIMEOUT_S = SQLITE_BUSY_TIMEOUT_MS / 1000
# Arbitrary constant shared by every replica: serialises concurrent start-up migrations.
_PG_MIGRATION_LOCK = 0x5743_5442


class Database:
    """An engine plus its session factories; dispose it (or use ``with``) when done.

    The session factories are made on first use: ``sqlalchemy.orm`` costs ~0.1 s to
    import, and a read on Core alone (``bot.store.reads``) never needs it (issue #20).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # PostgreSQL locks rows, not the file: its writers keep running side by side.
        self.writer: WriterLock | None = (
            WriterLock(WRITER_TIMEOUT_S) if engine.dialect.name == "sqlite" else None
        )

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions for writes (on SQLite each begins IMMEDIATE, see _sqlite_on_begin)."""
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def reads(self) -> sessionmaker[Session]:
        """Read-only sessions: on SQLite they must not take the write lock, or a burst of
        readers queues behind the writers until the busy timeout fails them."""
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.read_engine, expire_on_commit=False)

    @cached_property
    def read_engine(self) -> Engine:
        """The engine for read-only transactions (on SQLite they begin deferred)."""
        return self.engine.execution_options(studybot_read=True)

    @cached_property
    def single_reads(self) -> Engine:
        """One-statement reads on a hot path (a vote's card): on PostgreSQL without the
        BEGIN and ROLLBACK round trips, which a single statement does not need."""
        if self.engine.dialect.name == "postgresql":
            return self.engine.execution_options(isolation_level="AUTOCOMMIT")
        return self.read_engine

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction, committed on leaving; on SQLite one at a time."""
        guard: AbstractContextManager[object] = self.writer or nullcontext()
        with guard, self.sessions.begin() as session:
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """``write`` without the ORM session, for the hot paths that send plain SQL."""
        guard: AbstractContextManager[object] = self.writer or nullcontext()
        with guard, self.engine.begin() as conn:
            yield conn

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message is safe to show (no password).

    ``key`` names the message in bot.core.i18n, so the CLI shows it in the run's language."""

    def __init__(self, key: str, detail: str) -> None:
        from bot.core.i18n import t

        super().__init__(t("en", key, detail=detail))
        self.key = key
        self.detail = detail


def open_database(url: str) -> Database:
    """Connect to ``url``, bring the schema to the newest revision and return the database."""
    try:
        engine = create_db_engine(url)
    except OSError as error:
        raise DatabaseError("db_cannot_create", str(error.strerror)) from error
    try:
        _upgrade(engine)
    except DBAPIError as error:
        # Also a file that is not a database at all (sqlite3.DatabaseError): one line.
        engine.dispose()
        raise DatabaseError("db_cannot_open", _detail(error, url)) from error
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)


def _detail(error: DBAPIError, url: str) -> str:
    first = str(error.orig).strip().splitlines() if error.orig else []
    detail = first[0] if first else type(error).__name__
    password = make_url(url).password
    if password:
        detail = detail.replace(str(password), "***")
    return detail[:300]


class DatabaseInUseError(Exception):
    """Another process serves this SQLite file (``studybot run`` holds its lock file)."""

    def __init__(self, lock_path: Path, holder: str) -> None:
        super().__init__(f"{lock_path} is held by process {holder or '?'}")
        self.lock_path = lock_path
        self.holder = holder


def lock_path(url: str) -> Path | None:
    """The lock file beside a SQLite database file; None for PostgreSQL and in-memory."""
    path = _sqlite_file(_normalise_url(url))
    return None if path is None else path.with_name(path.name + ".lock")


def hold_sole_process(url: str) -> IO[str] | None:
    """Take the SQLite file for this process's lifetime, or raise DatabaseInUseError.

    One SQLite file serves one process: the writer lock only orders writers within a
    process, and a second server would be back in SQLite's busy back-off (replicas need
    PostgreSQL). The kernel drops the lock when the process ends, even killed, so a
    crash never leaves it stale. Keep the returned file open; None: nothing to hold.
    """
    path = lock_path(url)
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held until exit
    except OSError as error:
        raise DatabaseError("db_cannot_create", f"{path}: {error.strerror}") from error
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read(20).strip()
        handle.close()
        raise DatabaseInUseError(path, holder) from None
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def write_problem(database: Database) -> str | None:
    """Why the database cannot take a write, or None: a one-row update that is rolled
    back. A read-only or damaged file still answers reads, so a read proves nothing."""
    try:
        with database.engine.connect() as conn, conn.begin() as transaction:
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            transaction.rollback()
    except DBAPIError as error:
        return _detail(error, database.engine.url.render_as_string(hide_password=False))
    return None


_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(None|['\"]([^'\"]+)['\"])", re.M)


def head_revision() -> str:
    """The newest migration's revision, read from the version files without Alembic.

    Each file declares ``revision`` and ``down_revision``; the head is the revision no
    file names as its parent. Anything unusual (a branch, a merge, an unreadable file)
    is left to Alembic itself.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(3)) for m in _REVISION_LINE.finditer(path.read_text()))
        if not found.get("revision") or "down_revision" not in found:
            return _alembic_head()
        revisions.add(str(found["revision"]))
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else _alembic_head()


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise RuntimeError("no migration found in " + str(MIGRATIONS_DIR))
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (None: never migrated), in one read."""
    reader = engine.execution_options(studybot_read=True)
    with reader.connect() as conn:
        if conn.dialect.name == "postgresql":
            exists = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
        else:
            exists = conn.execute(
                text(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                )
            ).scalar()
        if not exists:
            return None
        return conn.execute(text("SELECT max(version_num) FROM alembic_version")).scalar()


def migration_state(url: str) -> tuple[str | None, str]:
    """Return ``(current revision or None, head revision)`` without changing anything."""
    head = head_revision()
    parsed = _normalise_url(url)
    path = _sqlite_file(parsed)
    if path is not None and not path.exists():
        return None, head  # do not create an empty file just to look at it
    engine = create_db_engine(url, create_dirs=False)
    try:
        return current_revision(engine), head
    finally:
        engine.dispose()


def create_db_engine(url: str, *, create_dirs: bool = True) -> Engine:
    """Create a configured engine (SQLite pragmas, psycopg driver) without migrating."""
    parsed = _normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, create_dirs=create_dirs)
    return create_engine(parsed, pool_pre_ping=True, **_POOL)


def _normalise_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if (
        url.get_backend_name() != "sqlite"
        or not database
        or database == ":memory:"
        or database.startswith("file:")
    ):
        return None
    return Path(database)


def _sqlite_engine(url: URL, *, create_dirs: bool) -> Engine:
    path = _sqlite_file(url)
    if path is not None and create_dirs:
        path.parent.mkdir(parents=True, exist_ok=True)
    pool = _POOL if path is not None else {}  # in-memory SQLite has a single connection
    engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):  # pragma: no cover
        raise TypeError("expected a sqlite3 connection")
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_on_begin) instead of the driver.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    # WAL with synchronous=NORMAL: a commit survives the process crashing (only an OS
    # crash or power loss can drop the last ones) and no longer waits for an fsync.
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    _enable_wal(dbapi_connection)


def _enable_wal(dbapi_connection: sqlite3.Connection) -> None:
    # WAL is persistent, so only the first connection to a new file switches it. That
    # switch needs an exclusive lock and SQLite may report "locked" at once instead of
    # waiting when several processes open a new file together: retry for a while.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0]
            if mode in ("wal", "memory"):
                return
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_on_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front, so a read-then-write transaction waits
    # for the busy timeout instead of failing with SQLITE_BUSY on lock upgrade. Pure
    # reads (Database.reads) begin deferred: in WAL mode they never wait for writers.
    if conn.get_execution_options().get("studybot_read"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(engine: Engine) -> None:
    # Nearly every start finds the schema current: one read decides, without Alembic.
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    config = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
