"""Suite-wide fixtures: a private PostgreSQL schema per test for the exactly-once tests."""

from __future__ import annotations

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
