"""The topics part of the repository: submissions, their changes, and search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Select, and_, func, or_, select, update

from bot.core.model import NewTopic, Note, Topic, TopicStatus
from bot.store.base import StoreBase
from bot.store.convert import (
    dump_notes,
    escape_like,
    fold,
    require_aware,
    search_text,
    to_topic,
)
from bot.store.models import LinkCacheRow, TopicRow
from bot.store.reads import OPEN as _OPEN
from bot.store.reads import as_topics, meeting_topics, topic_rows, with_papers
from bot.store.records import (
    UNSET,
    DuplicateSourceError,
    NotFoundError,
    TopicSource,
    Unset,
    as_source,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_CHRONO = (TopicRow.meeting_date, TopicRow.submitted_at, TopicRow.id)


class TopicRepository(StoreBase):
    """Topics with their vote counts and paper facts; one open topic per source and meeting."""

    def add_topic(self, new: NewTopic, source: TopicSource = "slack") -> Topic:
        """Store a submission; refuse a second open topic with the same source per meeting."""
        now = self._clock()
        with self._write() as s:
            self._lock_meeting(s, new.meeting)
            self._refuse_duplicate(s, new.meeting, new.normalized_url)
            row = TopicRow(
                meeting_date=new.meeting,
                tag=new.tag,
                title=new.title,
                url=new.url,
                normalized_url=new.normalized_url,
                notes=dump_notes(new.notes),
                presenter_id=new.presenter.user_id,
                presenter_name=new.presenter.name,
                presenter_email=new.presenter.email,
                submitted_at=require_aware(new.submitted_at),
                status=TopicStatus.ACTIVE.value,
                late=new.late,
                minutes=new.minutes,
                source=as_source(source),
                updated_at=now,
            )
            row.search_text = search_text(row)
            s.add(row)
            s.flush()
            return with_papers(s, [to_topic(row, votes=0)])[0]

    def get_topic(self, topic_id: int) -> Topic:
        """The topic with this id, whatever its status."""
        with self._reads.begin() as s:
            return self._topic(s, topic_id)

    def topics_for_meeting(self, date: dt.date, include_withdrawn: bool = False) -> list[Topic]:
        """The meeting's topics in submission order, with their vote counts."""
        with self._reads.begin() as s:
            return meeting_topics(s, date, include_withdrawn)

    def topics_of_presenter(
        self, user_id: str, meeting: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]:
        """A member's topics, newest meeting first."""
        query = topic_rows().where(TopicRow.presenter_id == user_id)
        if meeting is not None:
            query = query.where(TopicRow.meeting_date == meeting)
        if not include_withdrawn:
            query = query.where(_OPEN)
        return self._fetch(
            query.order_by(TopicRow.meeting_date.desc(), TopicRow.submitted_at, TopicRow.id)
        )

    def update_topic(
        self,
        topic_id: int,
        *,
        tag: str | None = None,
        title: str | None = None,
        url: str | None = None,
        normalized_url: str | None = None,
        notes: Sequence[Note] | None = None,
        meeting: dt.date | None = None,
        minutes: int | Unset | None = UNSET,
    ) -> Topic:
        """Change the given fields; ``url`` must come with its ``normalized_url``;
        ``minutes=None`` goes back to an even share."""
        if url is not None and normalized_url is None:
            raise ValueError("url changed without its normalized_url")
        with self._write() as s:
            row = self._topic_row(s, topic_id, lock=True)
            date = row.meeting_date if meeting is None else meeting
            source = row.normalized_url if normalized_url is None else normalized_url
            self._check_move(s, row, date, source)
            row.meeting_date, row.normalized_url = date, source
            row.tag = row.tag if tag is None else tag
            row.title = row.title if title is None else title
            row.url = row.url if url is None else url
            row.notes = row.notes if notes is None else dump_notes(notes)
            if not isinstance(minutes, Unset):
                row.minutes = minutes
            row.search_text = search_text(row)
            row.updated_at = self._clock()
            s.flush()
            return self._topic(s, topic_id)

    def set_status(self, topic_id: int, status: TopicStatus) -> Topic:
        """Withdraw, restore or mark presented; restoring re-checks the duplicate rule."""
        with self._write() as s:
            row = self._topic_row(s, topic_id, lock=True)
            if row.status == TopicStatus.WITHDRAWN.value and status != TopicStatus.WITHDRAWN:
                self._lock_meeting(s, row.meeting_date)
                self._refuse_duplicate(s, row.meeting_date, row.normalized_url, row.id)
            row.status = TopicStatus(status).value
            row.updated_at = self._clock()
            s.flush()
            return self._topic(s, topic_id)

    def set_card(self, topic_id: int, channel: str, ts: str) -> Topic:
        """Record the channel message (topic card) that members vote on."""
        with self._write() as s:
            # One UPDATE instead of load, lock and flush: every submission comes here.
            done = s.execute(
                update(TopicRow)
                .where(TopicRow.id == topic_id)
                .values(card_channel=channel, card_ts=ts, updated_at=self._clock())
                .execution_options(synchronize_session=False)
            )
            if cast(CursorResult[Any], done).rowcount != 1:
                raise NotFoundError(f"no topic {topic_id}")
            return self._topic(s, topic_id)

    def topic_by_card(self, channel: str, ts: str) -> Topic | None:
        """The topic whose card is the message ``(channel, ts)``."""
        query = topic_rows().where(TopicRow.card_channel == channel, TopicRow.card_ts == ts)
        found = self._fetch(query)
        return found[0] if found else None

    def earlier_topics_with_url(self, normalized_url: str, before: dt.date) -> list[Topic]:
        """Non-withdrawn topics with this source at meetings before ``before``, oldest first."""
        query = topic_rows().where(
            TopicRow.normalized_url == normalized_url, TopicRow.meeting_date < before, _OPEN
        )
        return self._fetch(query.order_by(*_CHRONO))

    def move_open_topics(self, from_date: dt.date, to_date: dt.date) -> int:
        """Move the active topics of one meeting (votes included) to another; return how many."""
        with self._write() as s:
            self._ensure_meeting(s, to_date)
            moved = s.execute(
                update(TopicRow)
                .where(
                    TopicRow.meeting_date == from_date,
                    TopicRow.status == TopicStatus.ACTIVE.value,
                )
                .values(meeting_date=to_date, updated_at=self._clock())
            )
            return cast(CursorResult[Any], moved).rowcount

    def search(
        self,
        words: str,
        *,
        limit: int = 10,
        offset: int = 0,
        tag: str | None = None,
        year: int | None = None,
    ) -> tuple[list[Topic], int]:
        """Topics containing every word (case- and width-insensitive), newest meeting first.

        ``tag`` keeps one tag; ``year`` keeps papers of that year (their metadata's year,
        else the year of the meeting they were presented at).
        """
        terms = fold(words).split()
        if not terms and tag is None and year is None:
            return [], 0
        conditions = [
            _OPEN,
            *(TopicRow.search_text.like(f"%{escape_like(t)}%", escape="\\") for t in terms),
        ]
        if tag is not None:
            conditions.append(TopicRow.tag == tag)
        if year is not None:
            in_meeting_year = and_(
                LinkCacheRow.year.is_(None),
                TopicRow.meeting_date >= dt.date(year, 1, 1),
                TopicRow.meeting_date <= dt.date(year, 12, 31),
            )
            conditions.append(or_(LinkCacheRow.year == year, in_meeting_year))
        match = and_(*conditions)
        paper = and_(
            LinkCacheRow.url == TopicRow.url,
            LinkCacheRow.ok.is_(True),
            LinkCacheRow.is_paper.is_(True),
        )
        order = (TopicRow.meeting_date.desc(), TopicRow.submitted_at, TopicRow.id)
        with self._reads.begin() as s:
            counted = select(func.count()).select_from(TopicRow).outerjoin(LinkCacheRow, paper)
            total = s.scalar(counted.where(match)) or 0
            page = (
                topic_rows()
                .outerjoin(LinkCacheRow, paper)
                .where(match)
                .order_by(*order)
                .limit(limit)
                .offset(offset)
            )
            return as_topics(s, s.execute(page)), total

    def all_topics(
        self, since: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]:
        """Every topic (of meetings on or after ``since``), oldest first, for export."""
        query = topic_rows()
        if since is not None:
            query = query.where(TopicRow.meeting_date >= since)
        if not include_withdrawn:
            query = query.where(_OPEN)
        return self._fetch(query.order_by(*_CHRONO))

    def _refuse_duplicate(
        self, s: Session, date: dt.date, normalized_url: str, exclude_id: int | None = None
    ) -> None:
        query = topic_rows().where(
            TopicRow.meeting_date == date, TopicRow.normalized_url == normalized_url, _OPEN
        )
        if exclude_id is not None:
            query = query.where(TopicRow.id != exclude_id)
        found = s.execute(query.order_by(TopicRow.id).limit(1)).first()
        if found is not None:
            raise DuplicateSourceError(to_topic(found, found.votes))

    def _check_move(self, s: Session, row: TopicRow, date: dt.date, normalized_url: str) -> None:
        if date == row.meeting_date and normalized_url == row.normalized_url:
            return
        self._lock_meeting(s, date)
        if row.status != TopicStatus.WITHDRAWN.value:
            self._refuse_duplicate(s, date, normalized_url, row.id)

    def _fetch(self, query: Select[Any]) -> list[Topic]:
        with self._reads.begin() as s:
            return as_topics(s, s.execute(query))

    def _topic(self, s: Session, topic_id: int) -> Topic:
        found = s.execute(topic_rows().where(TopicRow.id == topic_id)).first()
        if found is None:
            raise NotFoundError(f"no topic {topic_id}")
        return as_topics(s, [found])[0]
