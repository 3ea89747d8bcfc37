"""Suite-wide fixtures: a private PostgreSQL schema per test for the exactly-once tests."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A database URL whose tables live in a fresh schema, dropped after the test."""
    admin = create_engine(PG_URL, poolclass=NullPool)
    schema = f"t_{uuid.uuid4().hex}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_COLLECTOR)
    root.setLevel(logging.INFO)  # the production level of `studybot run`


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _COLLECTOR.leaks:
        print("\nA test token or secret appeared in the logs:")
        for leak in _COLLECTOR.leaks[:20]:
            print(f"  {leak}")
        session.exitstatus = 1
