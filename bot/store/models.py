"""The ORM classes of the studybot database, mapped onto the Core tables of
``bot.store.tables`` (the one place the schema is written)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import DeclarativeBase, Mapped

from bot.store import tables
from bot.store.tables import NAMING_CONVENTION as NAMING_CONVENTION
from bot.store.tables import UTCDateTime as UTCDateTime


class Base(DeclarativeBase):
    """Declarative base over the tables' metadata (with its constraint naming convention)."""

    metadata = tables.metadata


class MeetingRow(Base):
    """One meeting date, skipped or not."""

    __table__ = tables.meetings

    date: Mapped[dt.date]
    skipped: Mapped[bool]
    skip_reason: Mapped[str | None]
    created_at: Mapped[dt.datetime]


class TopicRow(Base):
    """A submitted topic; ``notes`` is a JSON list of ``{"text", "depth"}``."""

    __table__ = tables.topics

    id: Mapped[int]
    meeting_date: Mapped[dt.date]
    tag: Mapped[str]
    title: Mapped[str]
    url: Mapped[str]
    normalized_url: Mapped[str]
    notes: Mapped[str]
    presenter_id: Mapped[str]
    presenter_name: Mapped[str]
    presenter_email: Mapped[str | None]
    submitted_at: Mapped[dt.datetime]
    status: Mapped[str]
    late: Mapped[bool]
    card_channel: Mapped[str | None]
    card_ts: Mapped[str | None]
    source: Mapped[str]
    search_text: Mapped[str]
    updated_at: Mapped[dt.datetime]
    minutes: Mapped[int | None]


class VoteRow(Base):
    """A member's vote on a topic: exists while the member holds at least one vote emoji."""

    __table__ = tables.votes

    topic_id: Mapped[int]
    member_id: Mapped[str]
    emojis: Mapped[str]


class ReactionMarkRow(Base):
    """The newest reaction event applied per member, emoji and topic.

    Slack may deliver an add and its removal out of order; an event older than the
    mark changes nothing, so the last word is Slack's, not the network's.
    """

    __table__ = tables.reaction_marks

    topic_id: Mapped[int]
    member_id: Mapped[str]
    emoji: Mapped[str]
    event_micros: Mapped[int]


class ProcessedEventRow(Base):
    """A Slack event id already applied; its primary key makes re-deliveries no-ops."""

    __table__ = tables.processed_events

    event_id: Mapped[str]
    processed_at: Mapped[dt.datetime]


class PublicationRow(Base):
    """The one Notion page or Slack message of a meeting, with its progress."""

    __table__ = tables.publications

    id: Mapped[int]
    meeting_date: Mapped[dt.date]
    target: Mapped[str]
    external_id: Mapped[str | None]
    channel: Mapped[str | None]
    state: Mapped[str]
    progress: Mapped[int]
    claimed_by: Mapped[str]
    claimed_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    last_error: Mapped[str | None]
    incident_notified: Mapped[bool]
    body_state: Mapped[str | None]


class JobRunRow(Base):
    """One run of a scheduled step; the composite key lets exactly one replica claim it."""

    __table__ = tables.job_runs

    job_id: Mapped[str]
    run_key: Mapped[str]
    claimed_by: Mapped[str]
    claimed_at: Mapped[dt.datetime]


class LinkCacheRow(Base):
    """Fetched metadata of a normalised URL; ``authors`` is a JSON list of names."""

    __table__ = tables.link_cache

    url: Mapped[str]
    title: Mapped[str | None]
    authors: Mapped[str]
    year: Mapped[int | None]
    is_paper: Mapped[bool]
    fetched_at: Mapped[dt.datetime]
    ok: Mapped[bool]
    venue: Mapped[str | None]
    code_url: Mapped[str | None]
