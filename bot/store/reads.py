"""Reads on SQLAlchemy Core alone: the topics of a meeting, a meeting, the skipped dates.

The repository's topic and meeting reads are built here, and ``Reader`` offers the ones
``studybot preview`` needs on a bare engine, so a read-only command never imports
``sqlalchemy.orm`` (~0.1 s of start-up, issue #20). Rows are Core rows; their attributes
are the ORM classes' names, which is all ``bot.store.convert`` reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, Select, func, select

from bot.core.model import Meeting, Topic, TopicStatus
from bot.store.convert import to_link_meta, to_meeting, to_paper, to_topic
from bot.store.tables import link_cache, meetings, topics, votes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.store.db import Database

VOTES = (
    select(func.count())
    .where(votes.c.topic_id == topics.c.id)
    .correlate(topics)
    .scalar_subquery()
    .label("votes")
)
OPEN = topics.c.status != TopicStatus.WITHDRAWN.value


def topic_rows() -> Select[Any]:
    """Topic rows with their vote counts (the column ``votes``)."""
    return select(topics, VOTES)


def as_topics(s: Connection | Session, rows: Iterable[Row[Any]]) -> list[Topic]:
    """Rows of :func:`topic_rows` -> topics, with their paper facts."""
    return with_papers(s, [to_topic(row, row.votes) for row in rows])


def with_papers(s: Connection | Session, found: list[Topic]) -> list[Topic]:
    """The topics with the paper facts cached for their source (one query for all).

    Only successful paper lookups count: a failure leaves the topic as the member typed it.
    """
    urls = {topic.url for topic in found if topic.url}
    if not urls:
        return found
    query = select(link_cache).where(
        link_cache.c.url.in_(urls), link_cache.c.ok.is_(True), link_cache.c.is_paper.is_(True)
    )
    papers = {row.url: to_paper(to_link_meta(row)) for row in s.execute(query)}
    return [
        replace(topic, paper=paper) if (paper := papers.get(topic.url)) is not None else topic
        for topic in found
    ]


def meeting_topics(
    s: Connection | Session, date: dt.date, include_withdrawn: bool = False
) -> list[Topic]:
    """The meeting's topics in submission order, with their vote counts."""
    query = topic_rows().where(topics.c.meeting_date == date)
    if not include_withdrawn:
        query = query.where(OPEN)
    return as_topics(s, s.execute(query.order_by(topics.c.submitted_at, topics.c.id)))


def meeting(s: Connection | Session, date: dt.date) -> Meeting | None:
    """The meeting of ``date``, if any topic or skip ever created it."""
    row = s.execute(select(meetings).where(meetings.c.date == date)).first()
    return None if row is None else to_meeting(row)


def skipped_dates(s: Connection | Session) -> set[dt.date]:
    """Every meeting date marked skipped."""
    return set(s.execute(select(meetings.c.date).where(meetings.c.skipped)).scalars())


class Reader:
    """The repository's reads that ``studybot preview`` makes, each in one read-only
    transaction on the engine (the same functions as ``Repository``'s)."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine.execution_options(studybot_read=True)

    def get_meeting(self, date: dt.date) -> Meeting | None:
        with self._engine.begin() as conn:
            return meeting(conn, date)

    def skipped_dates(self) -> set[dt.date]:
        with self._engine.begin() as conn:
            return skipped_dates(conn)

    def topics_for_meeting(self, date: dt.date, include_withdrawn: bool = False) -> list[Topic]:
        with self._engine.begin() as conn:
            return meeting_topics(conn, date, include_withdrawn)
