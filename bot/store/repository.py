"""The repository: one short transaction per method, frozen values in and out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Select,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import utc_now
from bot.core.model import Meeting, NewTopic, Note, Topic, TopicStatus
from bot.store.convert import (
    check_emoji,
    dump_notes,
    escape_like,
    fold,
    join_emojis,
    link_meta_values,
    require_aware,
    search_text,
    split_emojis,
    to_link_meta,
    to_meeting,
    to_paper,
    to_publication,
    to_topic,
)
from bot.store.db import Database
from bot.store.models import (
    Base,
    JobRunRow,
    LinkCacheRow,
    MeetingRow,
    ProcessedEventRow,
    PublicationRow,
    ReactionMarkRow,
    TopicRow,
    VoteRow,
)
from bot.store.records import (
    UNSET,
    CardOwner,
    DuplicateSourceError,
    LinkMeta,
    NotFoundError,
    Publication,
    PublicationState,
    PublicationTarget,
    TopicSource,
    Unset,
    as_source,
    as_state,
    as_target,
)

_VOTES = (
    select(func.count())
    .where(VoteRow.topic_id == TopicRow.id)
    .correlate(TopicRow)
    .scalar_subquery()
    .label("votes")
)
_OPEN = TopicRow.status != TopicStatus.WITHDRAWN.value
_LEASE = "lease"
_DIRTY = "dirty"
_CHRONO = (TopicRow.meeting_date, TopicRow.submitted_at, TopicRow.id)


class Repository:
    """Typed persistence operations used by the services."""

    def __init__(self, database: Database, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._write = database.write
        self._reads: sessionmaker[Session] = database.reads
        self._clock = clock

    # -- meetings ---------------------------------------------------------------

    def ensure_meeting(self, date: dt.date) -> Meeting:
        """Create the meeting row if missing and return it."""
        with self._write() as s:
            return to_meeting(self._ensure_meeting(s, date))

    def get_meeting(self, date: dt.date) -> Meeting | None:
        """The meeting of ``date``, if any topic or skip ever created it."""
        with self._reads.begin() as s:
            row = s.get(MeetingRow, date)
            return None if row is None else to_meeting(row)

    def set_skipped(self, date: dt.date, skipped: bool, reason: str | None = None) -> Meeting:
        """Mark a meeting skipped (with a reason) or held again."""
        with self._write() as s:
            row = self._ensure_meeting(s, date)
            row.skipped = skipped
            row.skip_reason = reason if skipped else None
            return to_meeting(row)

    def skipped_dates(self) -> set[dt.date]:
        """Every meeting date marked skipped."""
        with self._reads.begin() as s:
            return set(s.scalars(select(MeetingRow.date).where(MeetingRow.skipped)))

    def meeting_dates(self) -> list[dt.date]:
        """Every known meeting date, oldest first."""
        with self._reads.begin() as s:
            return list(s.scalars(select(MeetingRow.date).order_by(MeetingRow.date)))

    # -- topics -----------------------------------------------------------------

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
            return _with_papers(s, [to_topic(row, votes=0)])[0]

    def get_topic(self, topic_id: int) -> Topic:
        """The topic with this id, whatever its status."""
        with self._reads.begin() as s:
            return self._topic(s, topic_id)

    def topics_for_meeting(self, date: dt.date, include_withdrawn: bool = False) -> list[Topic]:
        """The meeting's topics in submission order, with their vote counts."""
        query = _topics().where(TopicRow.meeting_date == date)
        if not include_withdrawn:
            query = query.where(_OPEN)
        return self._fetch(query.order_by(TopicRow.submitted_at, TopicRow.id))

    def topics_of_presenter(
        self, user_id: str, meeting: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]:
        """A member's topics, newest meeting first."""
        query = _topics().where(TopicRow.presenter_id == user_id)
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
        query = _topics().where(TopicRow.card_channel == channel, TopicRow.card_ts == ts)
        found = self._fetch(query)
        return found[0] if found else None

    def card_owner(self, channel: str, ts: str) -> CardOwner | None:
        """The topic of the card ``(channel, ts)`` as a vote needs it, in one narrow read
        (every reaction event asks; a whole topic with its vote count cost a fifth of
        a vote's CPU)."""
        query = select(TopicRow.id, TopicRow.presenter_id, TopicRow.status).where(
            TopicRow.card_channel == channel, TopicRow.card_ts == ts
        )  # unique: ix_topics_card
        with self._reads.begin() as s:
            found = s.execute(query).first()
        if found is None:
            return None
        return CardOwner(found[0], found[1], found[2] == TopicStatus.WITHDRAWN.value)

    def earlier_topics_with_url(self, normalized_url: str, before: dt.date) -> list[Topic]:
        """Non-withdrawn topics with this source at meetings before ``before``, oldest first."""
        query = _topics().where(
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
                _topics()
                .outerjoin(LinkCacheRow, paper)
                .where(match)
                .order_by(*order)
                .limit(limit)
                .offset(offset)
            )
            found = [to_topic(row, votes) for row, votes in s.execute(page)]
            return _with_papers(s, found), total

    def all_topics(
        self, since: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]:
        """Every topic (of meetings on or after ``since``), oldest first, for export."""
        query = _topics()
        if since is not None:
            query = query.where(TopicRow.meeting_date >= since)
        if not include_withdrawn:
            query = query.where(_OPEN)
        return self._fetch(query.order_by(*_CHRONO))

    # -- votes and events -------------------------------------------------------

    def apply_reaction(
        self,
        event_id: str,
        topic_id: int,
        member_id: str,
        emoji: str,
        added: bool,
        event_ts: str | None = None,
    ) -> bool:
        """Apply one reaction event exactly once; False when ``event_id`` was seen before.

        ``emoji`` is the reaction's full name, skin tone included (``+1::skin-tone-2``):
        Slack keeps toned variants as separate reactions, so the vote stands while any
        of the member's vote reactions does.

        With ``event_ts`` (Slack's event timestamp) an event older than the newest one
        already applied for the same member, emoji and topic is recorded but changes
        nothing, so out-of-order delivery cannot leave a removed vote standing.
        """
        check_emoji(emoji)
        try:
            with self._write() as s:
                # Plain statements on the session's connection, not ORM objects or the
                # ORM's statement handling: every vote comes here, and those were half
                # of a vote's CPU. The same transaction, so exactly-once is unchanged.
                conn = s.connection()
                # The primary key refuses a re-delivery, even a concurrent one.
                conn.execute(
                    insert(ProcessedEventRow).values(event_id=event_id, processed_at=self._clock())
                )
                if conn.scalar(select(TopicRow.id).where(TopicRow.id == topic_id)) is None:
                    raise NotFoundError(f"no topic {topic_id}")
                if event_ts is None or self._newer(conn, topic_id, member_id, emoji, event_ts):
                    self._change_vote(conn, topic_id, member_id, emoji, added)
        except IntegrityError:
            return False
        return True

    def mark_event_processed(self, event_id: str) -> bool:
        """Record an event without vote effect; False when it was seen before."""
        try:
            with self._write() as s:
                s.add(ProcessedEventRow(event_id=event_id, processed_at=self._clock()))
        except IntegrityError:
            return False
        return True

    def forget_events_before(self, cutoff: dt.datetime) -> int:
        """Drop processed-event ids older than ``cutoff`` (Slack retries for minutes only)."""
        with self._write() as s:
            gone = s.execute(
                delete(ProcessedEventRow).where(ProcessedEventRow.processed_at < cutoff)
            )
            return cast(CursorResult[Any], gone).rowcount

    def vote_count(self, topic_id: int) -> int:
        """Number of members currently voting for the topic."""
        with self._reads.begin() as s:
            self._topic_row(s, topic_id)
            query = select(func.count()).select_from(VoteRow).where(VoteRow.topic_id == topic_id)
            return s.scalar(query) or 0

    def voters(self, topic_id: int) -> dict[str, frozenset[str]]:
        """Each voting member with the vote emojis they hold on the topic."""
        with self._reads.begin() as s:
            self._topic_row(s, topic_id)
            rows = s.scalars(select(VoteRow).where(VoteRow.topic_id == topic_id))
            return {row.member_id: split_emojis(row.emojis) for row in rows}

    def replace_reactions(
        self, topic_id: int, held: Mapping[str, Iterable[str]]
    ) -> tuple[frozenset[str], frozenset[str]]:
        """Set the topic's votes to exactly ``held``; return (members added, members removed)."""
        wanted = {m: join_emojis(map(check_emoji, e)) for m, e in held.items()}
        wanted = {m: e for m, e in wanted.items() if e}
        with self._write() as s:
            self._topic_row(s, topic_id, lock=True)
            before = frozenset(
                s.scalars(select(VoteRow.member_id).where(VoteRow.topic_id == topic_id))
            )
            s.execute(
                delete(VoteRow).where(
                    VoteRow.topic_id == topic_id, VoteRow.member_id.not_in(list(wanted))
                )
            )
            for member, emojis in wanted.items():
                values = {"topic_id": topic_id, "member_id": member, "emojis": emojis}
                _upsert(s, VoteRow, values, keys=("topic_id", "member_id"))
        return frozenset(wanted) - before, before - frozenset(wanted)

    # -- publications -----------------------------------------------------------

    def claim_publication(
        self, meeting: dt.date, target: PublicationTarget, owner: str
    ) -> Publication:
        """Create the publication record, or return the existing one (check ``claimed_by``)."""
        now = self._clock()
        values = {
            "meeting_date": meeting,
            "target": as_target(target),
            "state": "claimed",
            "progress": 0,
            "claimed_by": owner,
            "claimed_at": now,
            "updated_at": now,
            "incident_notified": False,
        }
        with self._write() as s:
            self._ensure_meeting(s, meeting)
            _insert_ignore(s, PublicationRow, values)
            return to_publication(self._publication_row(s, meeting, target))

    def update_publication(
        self,
        meeting: dt.date,
        target: PublicationTarget,
        *,
        external_id: str | Unset | None = UNSET,
        channel: str | Unset | None = UNSET,
        state: PublicationState | Unset = UNSET,
        progress: int | Unset = UNSET,
        last_error: str | Unset | None = UNSET,
        incident_notified: bool | Unset = UNSET,
    ) -> Publication:
        """Change the given fields of a claimed publication."""
        changes: dict[str, object] = {
            "external_id": external_id,
            "channel": channel,
            "state": state if isinstance(state, Unset) else as_state(state),
            "progress": progress,
            "last_error": last_error,
            "incident_notified": incident_notified,
        }
        with self._write() as s:
            row = self._publication_row(s, meeting, target, lock=True)
            for name, value in changes.items():
                if value is not UNSET:
                    setattr(row, name, value)
            row.updated_at = self._clock()
            s.flush()
            return to_publication(row)

    def load_body_state(self, meeting: dt.date) -> str | None:
        """What the Notion publisher last wrote for ``meeting`` (opaque to the store)."""
        with self._reads.begin() as s:
            try:
                return self._publication_row(s, meeting, "notion").body_state
            except NotFoundError:
                return None

    def save_body_state(self, meeting: dt.date, state: str) -> None:
        with self._write() as s:
            self._publication_row(s, meeting, "notion", lock=True).body_state = state

    def get_publication(self, meeting: dt.date, target: PublicationTarget) -> Publication | None:
        """The publication record, if one was claimed."""
        with self._reads.begin() as s:
            try:
                return to_publication(self._publication_row(s, meeting, target))
            except NotFoundError:
                return None

    # -- job runs and link cache ------------------------------------------------

    def claim_job_run(self, job_id: str, run_key: str, owner: str) -> bool:
        """True for exactly one caller per ``(job_id, run_key)``, across processes."""
        try:
            with self._write() as s:
                s.add(
                    JobRunRow(
                        job_id=job_id, run_key=run_key, claimed_by=owner, claimed_at=self._clock()
                    )
                )
        except IntegrityError:
            return False
        return True

    def acquire_lease(
        self, name: str, owner: str, ttl: dt.timedelta, *, replacing: str | None = None
    ) -> bool:
        """Hold the named lease: free, already ours, not renewed within ``ttl`` (its
        holder stopped), or held by ``replacing`` (a holder the caller knows is dead).

        One conditional UPDATE decides, so of several replicas exactly one wins.
        """
        now = self._clock()
        free = (
            (JobRunRow.claimed_by == "")
            | (JobRunRow.claimed_by == owner)
            | (JobRunRow.claimed_at < now - ttl)
        )
        if replacing:
            free = free | (JobRunRow.claimed_by == replacing)
        with self._write() as s:
            _insert_ignore(
                s,
                JobRunRow,
                {"job_id": _LEASE, "run_key": name, "claimed_by": "", "claimed_at": now},
            )
            won = s.execute(
                update(JobRunRow)
                .where(JobRunRow.job_id == _LEASE, JobRunRow.run_key == name, free)
                .values(claimed_by=owner, claimed_at=now)
            )
            return cast(CursorResult[Any], won).rowcount == 1

    def renew_lease(self, name: str, owner: str) -> bool:
        """Push the lease's expiry forward; False when ``owner`` no longer holds it."""
        with self._write() as s:
            renewed = s.execute(
                update(JobRunRow)
                .where(
                    JobRunRow.job_id == _LEASE,
                    JobRunRow.run_key == name,
                    JobRunRow.claimed_by == owner,
                )
                .values(claimed_at=self._clock())
            )
            return cast(CursorResult[Any], renewed).rowcount == 1

    def lease_holder(self, name: str) -> tuple[str, dt.datetime] | None:
        """Who holds the lease and since its last renewal, or None when it is free."""
        with self._reads.begin() as s:
            row = s.get(JobRunRow, (_LEASE, name))
            if row is None or not row.claimed_by:
                return None
            return row.claimed_by, row.claimed_at

    def held_leases(self) -> list[tuple[str, str, dt.datetime]]:
        """Every lease held now: (name, holder, last renewal), for `studybot status`."""
        with self._reads.begin() as s:
            rows = s.scalars(
                select(JobRunRow).where(JobRunRow.job_id == _LEASE, JobRunRow.claimed_by != "")
            ).all()
            return [(row.run_key, row.claimed_by, row.claimed_at) for row in rows]

    def release_lease(self, name: str, owner: str) -> None:
        """Give the lease back (only its holder can)."""
        with self._write() as s:
            s.execute(
                update(JobRunRow)
                .where(
                    JobRunRow.job_id == _LEASE,
                    JobRunRow.run_key == name,
                    JobRunRow.claimed_by == owner,
                )
                .values(claimed_by="")
            )

    def mark_dirty(self, name: str, owner: str) -> None:
        """Note that what the lease guards changed while someone else held it."""
        with self._write() as s:
            _insert_ignore(
                s,
                JobRunRow,
                {
                    "job_id": _DIRTY,
                    "run_key": name,
                    "claimed_by": owner,
                    "claimed_at": self._clock(),
                },
            )

    def take_dirty(self, name: str) -> bool:
        """Clear the mark; True for exactly one caller when it was set."""
        with self._write() as s:
            gone = s.execute(
                delete(JobRunRow).where(JobRunRow.job_id == _DIRTY, JobRunRow.run_key == name)
            )
            return cast(CursorResult[Any], gone).rowcount == 1

    def dirty_marks(self) -> set[str]:
        """Every lease name marked dirty and not yet taken."""
        with self._reads.begin() as s:
            return set(s.scalars(select(JobRunRow.run_key).where(JobRunRow.job_id == _DIRTY)))

    def get_link_meta(self, url: str) -> LinkMeta | None:
        """Cached metadata of a normalised URL."""
        with self._reads.begin() as s:
            row = s.get(LinkCacheRow, url)
            return None if row is None else to_link_meta(row)

    def put_link_meta(self, meta: LinkMeta) -> None:
        """Insert or replace the cached metadata of ``meta.url``."""
        with self._write() as s:
            _upsert(s, LinkCacheRow, link_meta_values(meta), keys=("url",))

    # -- helpers ----------------------------------------------------------------

    def _fetch(self, query: Select[TopicRow, int]) -> list[Topic]:
        with self._reads.begin() as s:
            return _with_papers(s, [to_topic(row, votes) for row, votes in s.execute(query)])

    def _ensure_meeting(self, s: Session, date: dt.date) -> MeetingRow:
        self._insert_meeting(s, date)
        return s.get_one(MeetingRow, date)

    def _insert_meeting(self, s: Session, date: dt.date) -> None:
        _insert_ignore(s, MeetingRow, {"date": date, "skipped": False, "created_at": self._clock()})

    def _lock_meeting(self, s: Session, date: dt.date) -> None:
        # Serialises submissions per meeting on PostgreSQL, so two concurrent
        # submissions of one source cannot both pass the duplicate check. SQLite has
        # one writer at a time already (BEGIN IMMEDIATE): no row lock, no row to load.
        self._insert_meeting(s, date)
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(MeetingRow.date).where(MeetingRow.date == date).with_for_update())

    def _refuse_duplicate(
        self, s: Session, date: dt.date, normalized_url: str, exclude_id: int | None = None
    ) -> None:
        query = _topics().where(
            TopicRow.meeting_date == date, TopicRow.normalized_url == normalized_url, _OPEN
        )
        if exclude_id is not None:
            query = query.where(TopicRow.id != exclude_id)
        found = s.execute(query.order_by(TopicRow.id).limit(1)).first()
        if found is not None:
            raise DuplicateSourceError(to_topic(*found))

    def _check_move(self, s: Session, row: TopicRow, date: dt.date, normalized_url: str) -> None:
        if date == row.meeting_date and normalized_url == row.normalized_url:
            return
        self._lock_meeting(s, date)
        if row.status != TopicStatus.WITHDRAWN.value:
            self._refuse_duplicate(s, date, normalized_url, row.id)

    def _topic_row(self, s: Session, topic_id: int, *, lock: bool = False) -> TopicRow:
        row = s.get(TopicRow, topic_id, with_for_update=lock)
        if row is None:
            raise NotFoundError(f"no topic {topic_id}")
        return row

    def _topic(self, s: Session, topic_id: int) -> Topic:
        found = s.execute(_topics().where(TopicRow.id == topic_id)).first()
        if found is None:
            raise NotFoundError(f"no topic {topic_id}")
        return _with_papers(s, [to_topic(*found)])[0]

    def _newer(
        self, s: Connection, topic_id: int, member_id: str, emoji: str, event_ts: str
    ) -> bool:
        """Record ``event_ts`` as the newest for this key unless a newer one is there."""
        # One conditional upsert instead of insert, lock, read and update: it writes
        # (and returns the row) unless the stored mark is newer; every vote comes here.
        values = {
            "topic_id": topic_id,
            "member_id": member_id,
            "emoji": emoji,
            "event_micros": _micros(event_ts),
        }
        upsert = postgresql.insert if s.dialect.name == "postgresql" else sqlite.insert
        stmt = upsert(ReactionMarkRow).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["topic_id", "member_id", "emoji"],
            set_={"event_micros": stmt.excluded.event_micros},
            where=ReactionMarkRow.event_micros <= stmt.excluded.event_micros,
        )
        # RETURNING, not rowcount: a conflict that updates nothing must read as "older"
        # on PostgreSQL's driver too.
        return s.execute(stmt.returning(ReactionMarkRow.event_micros)).first() is not None

    def _change_vote(
        self, s: Connection, topic_id: int, member_id: str, emoji: str, added: bool
    ) -> None:
        if added:
            values = {"topic_id": topic_id, "member_id": member_id, "emojis": ""}
            _insert_ignore(s, VoteRow, values)
        key = (VoteRow.topic_id == topic_id, VoteRow.member_id == member_id)
        current = s.scalar(select(VoteRow.emojis).where(*key).with_for_update())
        if current is None:
            return
        before = split_emojis(current)
        held = before | {emoji} if added else before - {emoji}
        if held == before and current:
            return  # a re-added or absent emoji: nothing to write
        if held:
            change: Any = update(VoteRow).values(emojis=join_emojis(held))
        else:
            change = delete(VoteRow)
        s.execute(change.where(*key))

    def _publication_row(
        self, s: Session, meeting: dt.date, target: str, *, lock: bool = False
    ) -> PublicationRow:
        query = select(PublicationRow).where(
            PublicationRow.meeting_date == meeting, PublicationRow.target == target
        )
        row = s.scalars(query.with_for_update() if lock else query).one_or_none()
        if row is None:
            raise NotFoundError(f"no {target} publication for {meeting.isoformat()}")
        return row


def _micros(event_ts: str) -> int:
    """Slack's ``1700000000.000100`` as integer microseconds (0 if unreadable)."""
    seconds, _, fraction = event_ts.partition(".")
    try:
        return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])
    except ValueError:
        return 0


def _with_papers(s: Session, topics: list[Topic]) -> list[Topic]:
    """The topics with the paper facts cached for their source (one query for all).

    Only successful paper lookups count: a failure leaves the topic as the member typed it.
    """
    urls = {topic.url for topic in topics if topic.url}
    if not urls:
        return topics
    rows = s.scalars(
        select(LinkCacheRow).where(
            LinkCacheRow.url.in_(urls), LinkCacheRow.ok.is_(True), LinkCacheRow.is_paper.is_(True)
        )
    )
    papers = {row.url: to_paper(to_link_meta(row)) for row in rows}
    return [
        replace(topic, paper=paper) if (paper := papers.get(topic.url)) is not None else topic
        for topic in topics
    ]


def _topics() -> Select[TopicRow, int]:
    return select(TopicRow, _VOTES)


def _insert_ignore(
    s: Session | Connection, model: type[Base], values: Mapping[str, object]
) -> None:
    """INSERT that silently keeps an existing row with the same key (insert-or-get)."""
    dialect = s.dialect if isinstance(s, Connection) else s.get_bind().dialect
    if dialect.name == "postgresql":
        s.execute(postgresql.insert(model).values(dict(values)).on_conflict_do_nothing())
    else:
        s.execute(sqlite.insert(model).values(dict(values)).on_conflict_do_nothing())


def _upsert(
    s: Session, model: type[Base], values: Mapping[str, object], *, keys: Sequence[str]
) -> None:
    """INSERT, or UPDATE every non-key column of the row with the same key."""
    stmt = (postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert)(
        model
    ).values(dict(values))
    changes = {name: stmt.excluded[name] for name in values if name not in keys}
    s.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changes))
