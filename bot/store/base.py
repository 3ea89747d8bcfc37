"""Shared by every part of the repository: database, clock and statement helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import utc_now
from bot.store.db import Database
from bot.store.models import Base, MeetingRow, TopicRow
from bot.store.records import NotFoundError


class StoreBase:
    """One short transaction per method on a shared database; the parts derive from this."""

    def __init__(self, database: Database, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._write = database.write
        self._database = database
        self._reads: sessionmaker[Session] = database.reads
        self._clock = clock

    def _ensure_meeting(self, s: Session, date: dt.date) -> MeetingRow:
        self._insert_meeting(s, date)
        return s.get_one(MeetingRow, date)

    def _insert_meeting(self, s: Session, date: dt.date) -> None:
        insert_ignore(s, MeetingRow, {"date": date, "skipped": False, "created_at": self._clock()})

    def _lock_meeting(self, s: Session, date: dt.date) -> None:
        # Serialises submissions per meeting on PostgreSQL, so two concurrent
        # submissions of one source cannot both pass the duplicate check. SQLite has
        # one writer at a time already (BEGIN IMMEDIATE): no row lock, no row to load.
        self._insert_meeting(s, date)
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(MeetingRow.date).where(MeetingRow.date == date).with_for_update())

    def _topic_row(self, s: Session, topic_id: int, *, lock: bool = False) -> TopicRow:
        row = s.get(TopicRow, topic_id, with_for_update=lock)
        if row is None:
            raise NotFoundError(f"no topic {topic_id}")
        return row


def insert_ignore(s: Session | Connection, model: type[Base], values: Mapping[str, object]) -> None:
    """INSERT that silently keeps an existing row with the same key (insert-or-get)."""
    from sqlalchemy.dialects import postgresql, sqlite  # lazily: PostgreSQL's costs ~35 ms (#20)

    dialect = s.dialect if isinstance(s, Connection) else s.get_bind().dialect
    if dialect.name == "postgresql":
        s.execute(postgresql.insert(model).values(dict(values)).on_conflict_do_nothing())
    else:
        s.execute(sqlite.insert(model).values(dict(values)).on_conflict_do_nothing())


def upsert(
    s: Session, model: type[Base], values: Mapping[str, object], *, keys: Sequence[str]
) -> None:
    """INSERT, or UPDATE every non-key column of the row with the same key."""
    from sqlalchemy.dialects import postgresql, sqlite  # lazily: PostgreSQL's costs ~35 ms (#20)

    stmt = (postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert)(
        model
    ).values(dict(values))
    changes = {name: stmt.excluded[name] for name in values if name not in keys}
    s.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changes))
