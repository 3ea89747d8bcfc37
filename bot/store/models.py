"""SQLAlchemy table definitions of the studybot database (the schema Alembic migrates)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MeetingRow(Base):
    """One meeting date, skipped or not."""

    __tablename__ = "meetings"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    skip_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class TopicRow(Base):
    """A submitted topic; ``notes`` is a JSON list of ``{"text", "depth"}``."""

    __tablename__ = "topics"
    __table_args__ = (
        Index("ix_topics_card", "card_channel", "card_ts", unique=True),
        Index("ix_topics_meeting_date_status", "meeting_date", "status"),
        CheckConstraint("status IN ('active', 'withdrawn', 'presented')", name="status"),
        CheckConstraint("source IN ('slack', 'import', 'seed')", name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_date: Mapped[dt.date] = mapped_column(ForeignKey("meetings.date"))
    tag: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    normalized_url: Mapped[str] = mapped_column(Text, index=True)
    notes: Mapped[str] = mapped_column(Text, default="[]")
    presenter_id: Mapped[str] = mapped_column(String(64), index=True)
    presenter_name: Mapped[str] = mapped_column(Text)
    presenter_email: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    card_channel: Mapped[str | None] = mapped_column(String(64))
    card_ts: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="slack")
    # NFKC + casefolded title, tag, presenter and note text: one portable LIKE target.
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The slot length the presenter chose; NULL: an even share of the meeting.
    minutes: Mapped[int | None] = mapped_column(Integer)


class VoteRow(Base):
    """A member's vote on a topic: exists while the member holds at least one vote emoji."""

    __tablename__ = "votes"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    emojis: Mapped[str] = mapped_column(Text)


class ReactionMarkRow(Base):
    """The newest reaction event applied per member, emoji and topic.

    Slack may deliver an add and its removal out of order; an event older than the
    mark changes nothing, so the last word is Slack's, not the network's.
    """

    __tablename__ = "reaction_marks"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    emoji: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_micros: Mapped[int] = mapped_column(BigInteger)


class ProcessedEventRow(Base):
    """A Slack event id already applied; its primary key makes re-deliveries no-ops."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    processed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class PublicationRow(Base):
    """The one Notion page or Slack message of a meeting, with its progress."""

    __tablename__ = "publications"
    __table_args__ = (
        UniqueConstraint("meeting_date", "target"),
        CheckConstraint("target IN ('notion', 'slack')", name="target"),
        CheckConstraint("state IN ('claimed', 'partial', 'complete', 'failed')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_date: Mapped[dt.date] = mapped_column(ForeignKey("meetings.date"))
    target: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(128))
    channel: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="claimed")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str] = mapped_column(String(128))
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    incident_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    body_state: Mapped[str | None] = mapped_column(Text)


class JobRunRow(Base):
    """One run of a scheduled step; the composite key lets exactly one replica claim it."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(128))
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LinkCacheRow(Base):
    """Fetched metadata of a normalised URL; ``authors`` is a JSON list of names."""

    __tablename__ = "link_cache"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[str] = mapped_column(Text, default="[]")
    year: Mapped[int | None] = mapped_column(Integer)
    is_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    venue: Mapped[str | None] = mapped_column(Text)
    code_url: Mapped[str | None] = mapped_column(Text)
