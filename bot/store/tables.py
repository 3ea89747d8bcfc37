"""The studybot schema as SQLAlchemy Core tables (what Alembic migrates).

The ORM classes of ``bot.store.models`` are mapped onto these tables; a read that needs
no ORM (``bot.store.reads``, ``studybot preview``) uses them without importing
``sqlalchemy.orm``, which costs ~0.1 s at start-up (issue #20).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC; SQLite keeps no offset, so it is re-attached on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused, store aware datetimes only: {value!r}")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


metadata = MetaData(naming_convention=NAMING_CONVENTION)
# nullable=False is spelled out where the ORM attribute (bot.store.models) is not Optional.

meetings = Table(
    "meetings",
    metadata,
    Column("date", Date, primary_key=True),
    Column("skipped", Boolean, default=False, nullable=False),
    Column("skip_reason", Text),
    Column("created_at", UTCDateTime, nullable=False),
)

topics = Table(
    "topics",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_date", ForeignKey("meetings.date"), nullable=False),
    Column("tag", String(100), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("normalized_url", Text, index=True, nullable=False),
    Column("notes", Text, default="[]", nullable=False),
    Column("presenter_id", String(64), index=True, nullable=False),
    Column("presenter_name", Text, nullable=False),
    Column("presenter_email", Text),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("status", String(16), default="active", nullable=False),
    Column("late", Boolean, default=False, nullable=False),
    Column("card_channel", String(64)),
    Column("card_ts", String(64)),
    Column("source", String(16), default="slack", nullable=False),
    # NFKC + casefolded title, tag, presenter and note text: one portable LIKE target.
    Column("search_text", Text, default="", nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The slot length the presenter chose; NULL: an even share of the meeting.
    Column("minutes", Integer),
    Index("ix_topics_card", "card_channel", "card_ts", unique=True),
    Index("ix_topics_meeting_date_status", "meeting_date", "status"),
    CheckConstraint("status IN ('active', 'withdrawn', 'presented')", name="status"),
    CheckConstraint("source IN ('slack', 'import', 'seed')", name="source"),
)

votes = Table(
    "votes",
    metadata,
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", String(64), primary_key=True),
    Column("emojis", Text, nullable=False),
)

reaction_marks = Table(
    "reaction_marks",
    metadata,
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", String(64), primary_key=True),
    Column("emoji", String(100), primary_key=True),
    Column("event_micros", BigInteger, nullable=False),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(128), primary_key=True),
    Column("processed_at", UTCDateTime, index=True, nullable=False),
)

publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_date", ForeignKey("meetings.date"), nullable=False),
    Column("target", String(16), nullable=False),
    Column("external_id", String(128)),
    Column("channel", String(64)),
    Column("state", String(16), default="claimed", nullable=False),
    Column("progress", Integer, default=0, nullable=False),
    Column("claimed_by", String(128), nullable=False),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_error", Text),
    Column("incident_notified", Boolean, default=False, nullable=False),
    Column("body_state", Text),
    UniqueConstraint("meeting_date", "target"),
    CheckConstraint("target IN ('notion', 'slack')", name="target"),
    CheckConstraint("state IN ('claimed', 'partial', 'complete', 'failed')", name="state"),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("job_id", String(64), primary_key=True),
    Column("run_key", String(128), primary_key=True),
    Column("claimed_by", String(128), nullable=False),
    Column("claimed_at", UTCDateTime, nullable=False),
)

link_cache = Table(
    "link_cache",
    metadata,
    Column("url", Text, primary_key=True),
    Column("title", Text),
    Column("authors", Text, default="[]", nullable=False),
    Column("year", Integer),
    Column("is_paper", Boolean, default=False, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("venue", Text),
    Column("code_url", Text),
)
