"""Suite-wide fixtures: PostgreSQL schemas (skipped when no server, outside CI), databases
at the head revision without migrating each time, markers."""

from __future__ import annotations

import atexit
import functools
import json
import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

# pytest keeps the assert-rewritten test modules in __pycache__ only when bytecode may be
# written; with PYTHONDONTWRITEBYTECODE set (as on some CI machines) every run and every
# xdist worker rewrote ~190 modules again, seconds each time. The cache is git-ignored.
sys.dont_write_bytecode = False

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
PG_SKIP = (
    "no PostgreSQL at 127.0.0.1:5432 (database test, trust auth): PostgreSQL tests skipped; "
    "start the server to run them (under CI=true this is a failure)"
)


@functools.cache
def _postgres_problem() -> str | None:
    """Why the test server cannot be used, or None; asked once per run."""
    engine = create_engine(PG_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # refused, unreachable, auth: all mean "not here"
        return str(error).splitlines()[0]
    finally:
        engine.dispose()
    return None


def require_postgres() -> None:
    """Skip the calling test when no server listens, unless CI demands one."""
    problem = _postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI is set but PostgreSQL is not reachable: {problem}", pytrace=False)
    pytest.skip(PG_SKIP)


def _schema_url(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def postgres_schema(prefix: str = "t") -> Iterator[str]:
    """A database URL whose tables live in a fresh schema, dropped afterwards."""
    require_postgres()
    admin = create_engine(PG_URL, poolclass=NullPool)
    schema = f"{prefix}_{uuid.uuid4().hex}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # search_path makes the migrations create the tables inside the schema.
        yield _schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A database URL whose tables live in a fresh schema, dropped after the test."""
    with postgres_schema() as url:
        yield url


# -- databases at the head revision, migrated once per test process ------------------
#
# Migrating costs 20-90 ms a database (PostgreSQL's DDL also costs the server), and some
# 300 tests want one only to store things in. They get a copy of a database migrated once
# per process instead: open_database() finds it at the head revision and does nothing.
# The migrations themselves keep their own tests (tests/store/test_store_db.py), which ask
# for empty databases.


@functools.cache
def _sqlite_template() -> Path:
    from bot.store import open_database

    folder = Path(tempfile.mkdtemp(prefix="studybot-head-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "head.db"
    open_database(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as conn:  # everything in the main file: one file to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def migrated_sqlite(path: Path) -> str:
    """``sqlite:///path``, an empty database at the head revision (a copy of the
    process's template; the parent directories are created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template(), path)
    return f"sqlite:///{path}"


class _MigratedSchemas:
    """Migrated PostgreSQL schemas of this process, emptied and reused test after test.

    A schema is handed to one test at a time. Before it is handed out again, every table
    but ``alembic_version`` is truncated (sequences restart) and the set of tables and
    the revision are checked against what migrating made: a schema that differs, or
    cannot be emptied within a few seconds, is dropped and a fresh one migrated.
    """

    def __init__(self) -> None:
        self.free: list[str] = []
        self.made: list[str] = []
        self.shape = ""  # "table,table,...|revision" of a freshly migrated schema
        self.engine: Any = None

    def _admin(self) -> Any:
        if self.engine is None:
            self.engine = create_engine(PG_URL, poolclass=NullPool)
        return self.engine

    def _shape(self, conn: Any, schema: str) -> str:
        tables = conn.execute(
            text(
                "SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '')"
                " FROM pg_tables WHERE schemaname = :s"
            ),
            {"s": schema},
        ).scalar_one()
        revision = conn.execute(text(f'SELECT max(version_num) FROM "{schema}".alembic_version'))
        return f"{tables}|{revision.scalar_one()}"

    def _new(self) -> str:
        from bot.store import open_database

        schema = f"m_{uuid.uuid4().hex}"
        with self._admin().begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.made.append(schema)
        open_database(_schema_url(schema)).dispose()
        with self._admin().connect() as conn:
            self.shape = self._shape(conn, schema)
        return schema

    def _emptied(self, schema: str) -> bool:
        try:
            with self._admin().begin() as conn:
                if self._shape(conn, schema) != self.shape:
                    return False
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                tables = self.shape.partition("|")[0].split(",")
                names = ", ".join(f'"{schema}"."{t}"' for t in tables if t != "alembic_version")
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        except Exception:  # locked by a straggler, or broken: not reused
            return False
        return True

    def acquire(self) -> str:
        while self.free:
            schema = self.free.pop()
            if self._emptied(schema):
                return schema
            self._drop(schema)
        return self._new()

    def release(self, schema: str) -> None:
        self.free.append(schema)

    def _drop(self, schema: str) -> None:
        try:
            with self._admin().begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        except Exception:  # left for the server's owner: never fails a test
            return
        self.made.remove(schema)

    def drop_all(self) -> None:
        for schema in list(self.made):
            self._drop(schema)
        self.free.clear()
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None


_SCHEMAS = _MigratedSchemas()


@contextmanager
def migrated_postgres() -> Iterator[str]:
    """A database URL at the head revision with empty tables, for this test alone."""
    require_postgres()
    schema = _SCHEMAS.acquire()
    try:
        yield _schema_url(schema)
    finally:
        _SCHEMAS.release(schema)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what needs PostgreSQL (`postgres`) and what runs the app over HTTP or as a
    process (`e2e`: modules that use the signed-request harness or start processes)."""
    for item in items:
        module = getattr(item, "module", None)
        if hasattr(module, "running_bot") or hasattr(module, "subprocess"):
            item.add_marker(pytest.mark.e2e)
        uses_pg = {"pg_schema_url", "pg_repo"} & set(getattr(item, "fixturenames", ()))
        params = item.nodeid.partition("[")[2]
        if uses_pg or "postgresql" in params:
            item.add_marker(pytest.mark.postgres)


# -- no secret in any log line of the whole run -------------------------------------

TEST_SECRETS = (
    "xoxb-test-token",
    "test-signing-secret-0123456789",
    "secret_fake_notion_token",
)


class _LogCollector(logging.Handler):
    """Keeps every log record of the run, rendered with its context, to grep for secrets."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []
        self.reported = 0  # leaks already failed a test

    def emit(self, record: logging.LogRecord) -> None:
        try:
            rendered = json.dumps(vars(record), default=str, ensure_ascii=False)
            rendered += record.getMessage()
            if record.exc_info:
                rendered += logging.Formatter().formatException(record.exc_info)
        except Exception:  # a broken record must not break the run
            return
        for secret in TEST_SECRETS:
            if secret in rendered:
                self.leaks.append(f"{record.name}: {record.getMessage()[:200]}")


_COLLECTOR = _LogCollector()
_PG_SKIPPED: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_COLLECTOR)
    root.setLevel(logging.INFO)  # the production level of `studybot run`
    _cheaper_library_set_up()


# -- two library costs that only a test run pays, hundreds of times --------------------


class _CallerFiles:
    """``inspect`` for slack_bolt's App, whose only use is ``inspect.stack()[1].filename``
    (the app's default name). The real ``inspect.stack()`` reads the source of every
    frame: under pytest's deep stacks that was ~0.1 s per app built (~10 s a run). This
    gives each frame's file name, which is all App reads."""

    def __getattr__(self, name: str) -> Any:
        import inspect

        return getattr(inspect, name)

    @staticmethod
    def stack(context: int = 1) -> list[Any]:
        import types

        frames, frame = [], sys._getframe(1)
        while frame is not None:
            frames.append(types.SimpleNamespace(frame=frame, filename=frame.f_code.co_filename))
            frame = frame.f_back
        return frames


def _cheaper_library_set_up() -> None:
    """Same behaviour, less start-up: (1) slack_bolt's App names itself without reading
    source files (see _CallerFiles); (2) httpx's transports share one default TLS context
    per process instead of loading the CA bundle (~50 ms) for every client: no test makes
    a TLS connection through a default transport (tests/links builds its own contexts)."""
    import httpx._transports.default as transport
    import slack_bolt.app.app as bolt_app

    bolt_app.inspect = _CallerFiles()  # type: ignore[assignment]
    create = transport.create_ssl_context

    @functools.cache
    def default_context(trust_env: bool, cafile: str | None, capath: str | None) -> Any:
        return create(trust_env=trust_env)  # reads SSL_CERT_FILE / SSL_CERT_DIR itself

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        if verify is True and cert is None:  # the default: one context per CA setting
            env = os.environ.get
            return default_context(trust_env, env("SSL_CERT_FILE"), env("SSL_CERT_DIR"))
        return create(verify=verify, cert=cert, trust_env=trust_env)

    transport.create_ssl_context = create_ssl_context  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _no_secret_in_logs() -> Iterator[None]:
    """Fail the test in whose time a test token reached a log line (in any worker)."""
    root = logging.getLogger()
    if _COLLECTOR not in root.handlers:
        root.addHandler(_COLLECTOR)
    seen = len(_COLLECTOR.leaks)
    yield
    leaks = _COLLECTOR.leaks[seen:]
    _COLLECTOR.reported = len(_COLLECTOR.leaks)
    if leaks:
        pytest.fail("A test token or secret appeared in the logs:\n  " + "\n  ".join(leaks[:20]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and PG_SKIP in str(report.longrepr):
        _PG_SKIPPED.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _PG_SKIPPED:
        terminalreporter.write_line(f"{len(_PG_SKIPPED)} tests skipped: {PG_SKIP}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _SCHEMAS.drop_all()
    late = _COLLECTOR.leaks[_COLLECTOR.reported :]  # logged after the last test's check
    if late:
        print("\nA test token or secret appeared in the logs:")
        for leak in late[:20]:
            print(f"  {leak}")
        session.exitstatus = 1


# -- the command line, in process -------------------------------------------------------

# Every variable of the configuration contract starts with one of these.
SETTING_PREFIXES = (
    "SLACK_", "NOTION_", "DATABASE_URL", "STUDY_CHANNEL", "ORGANIZERS", "ROSTER", "TIMEZONE",
    "MEETING_", "PUBLISH_TIME", "REMINDER_", "GROUP", "LANGUAGE", "PORT", "VOTE_EMOJIS",
    "SKIP_", "STRICT_PAPER_LINKS", "LOG_FORMAT", "METRICS",
)  # fmt: skip


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    """`studybot ARGS` as `main(ARGS)` in this process: the same code without the start-up.

    The environment holds exactly the given settings, the working directory is the test's
    (no stray `.env`), and the logging set-up of the command is undone afterwards.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: Any, cwd: Path) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        self.cwd = cwd

    def __call__(self, env: dict[str, str], *args: str) -> CliResult:
        from bot.__main__ import main

        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        with self.monkeypatch.context() as patch:
            for key in list(os.environ):
                if key.startswith(SETTING_PREFIXES):
                    patch.delenv(key)
            for key, value in env.items():
                if key.startswith(SETTING_PREFIXES):
                    patch.setenv(key, value)
            patch.chdir(self.cwd)
            self.capsys.readouterr()
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse's own refusals
                code = exit.code if isinstance(exit.code, int) else 2
            finally:
                root.handlers[:] = handlers
                root.setLevel(level)
            out, err = self.capsys.readouterr()
        return CliResult(code, out, err)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: Any, tmp_path: Path) -> Cli:
    return Cli(monkeypatch, capsys, tmp_path)
