"""The votes part of the repository: reactions applied exactly once, and the event log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Dialect, delete, func, select
from sqlalchemy.exc import IntegrityError

from bot.core.model import TopicStatus
from bot.store.base import StoreBase, upsert
from bot.store.convert import check_emoji, join_emojis, split_emojis
from bot.store.models import ProcessedEventRow, VoteRow
from bot.store.records import CardOwner, NotFoundError


class VoteRepository(StoreBase):
    """Each member's vote emojis on a topic, and the ids of the Slack events applied."""

    def card_owner(self, channel: str, ts: str) -> CardOwner | None:
        """The topic of the card ``(channel, ts)`` as a vote needs it, in one narrow read
        (every reaction event asks; a whole topic with its vote count cost a fifth of
        a vote's CPU)."""
        with self._database.single_reads.connect() as conn:
            row = _run(conn, "card_owner", {"channel": channel, "ts": ts}).first()
        found = cast("tuple[int, str, str] | None", row)
        if found is None:
            return None
        return CardOwner(found[0], found[1], found[2] == TopicStatus.WITHDRAWN.value)

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
            with self._database.write_connection() as conn:
                # The driver's own SQL, written once per dialect (_SQL): every vote comes
                # here, and building SQLAlchemy statements was most of a vote's CPU. One
                # transaction with the event id, so exactly-once is unchanged: the
                # primary key refuses a re-delivery, even a concurrent one.
                # The event id is recorded only for a topic that exists (one statement).
                at = _bind_time(conn.dialect)(self._clock())
                event = {"event_id": event_id, "at": at, "topic_id": topic_id}
                if _run(conn, "event", event).first() is None:
                    raise NotFoundError(f"no topic {topic_id}")
                key = {"topic_id": topic_id, "member_id": member_id}
                if event_ts is None or self._newer(conn, key, emoji, event_ts):
                    self._change_vote(conn, key, emoji, added)
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
                upsert(s, VoteRow, values, keys=("topic_id", "member_id"))
        return frozenset(wanted) - before, before - frozenset(wanted)

    def _newer(self, conn: Connection, key: dict[str, Any], emoji: str, event_ts: str) -> bool:
        """Record ``event_ts`` as the newest for this key unless a newer one is there."""
        # One conditional upsert instead of insert, lock, read and update: it writes
        # (and returns the row) unless the stored mark is newer. RETURNING, not
        # rowcount: a conflict that updates nothing must read as "older" on
        # PostgreSQL's driver too.
        values = {**key, "emoji": emoji, "micros": _micros(event_ts)}
        return _run(conn, "mark", values).first() is not None

    def _change_vote(self, conn: Connection, key: dict[str, Any], emoji: str, added: bool) -> None:
        # An add creates the row or, if it is there, takes it as it is (row-locked on
        # PostgreSQL), in one statement; a removal reads it, locked.
        current = _run(conn, "vote_take" if added else "vote_read", key).scalar()
        if current is None:
            return
        before = split_emojis(current)
        held = before | {emoji} if added else before - {emoji}
        if held == before and current:
            return  # a re-added or absent emoji: nothing to write
        if held:
            _run(conn, "vote_update", {**key, "emojis": join_emojis(held)})
        else:
            _run(conn, "vote_delete", key)


# The vote path's statements in SQL both databases read the same (ON CONFLICT and
# RETURNING need SQLite 3.35+, as the rest of the store does). Written with ``:name``
# and turned into each driver's own parameter style once, here.
_VOTE_SQL = {
    "card_owner": "SELECT id, presenter_id, status FROM topics"
    " WHERE card_channel = :channel AND card_ts = :ts",  # unique: ix_topics_card
    "event": "INSERT INTO processed_events (event_id, processed_at)"
    " SELECT :event_id, :at WHERE EXISTS (SELECT 1 FROM topics WHERE id = :topic_id)"
    " RETURNING event_id",
    "mark": "INSERT INTO reaction_marks (topic_id, member_id, emoji, event_micros)"
    " VALUES (:topic_id, :member_id, :emoji, :micros)"
    " ON CONFLICT (topic_id, member_id, emoji) DO UPDATE"
    " SET event_micros = excluded.event_micros"
    " WHERE reaction_marks.event_micros <= excluded.event_micros"
    " RETURNING event_micros",
    "vote_take": "INSERT INTO votes (topic_id, member_id, emojis)"
    " VALUES (:topic_id, :member_id, '') ON CONFLICT (topic_id, member_id)"
    " DO UPDATE SET emojis = votes.emojis RETURNING emojis",
    "vote_read": "SELECT emojis FROM votes WHERE topic_id = :topic_id AND member_id = :member_id",
    "vote_update": "UPDATE votes SET emojis = :emojis"
    " WHERE topic_id = :topic_id AND member_id = :member_id",
    "vote_delete": "DELETE FROM votes WHERE topic_id = :topic_id AND member_id = :member_id",
}
_SQL = {
    "sqlite": _VOTE_SQL,  # sqlite3 takes :name with a dict
    "postgresql": {
        name: re.sub(r":(\w+)", r"%(\1)s", sql)
        + (" FOR UPDATE" if name == "vote_read" else "")  # the row stays ours to change
        for name, sql in _VOTE_SQL.items()
    },
}
_TIME_BINDS: dict[str, Callable[[dt.datetime], Any]] = {}


def _run(conn: Connection, name: str, params: dict[str, Any]) -> CursorResult[Any]:
    # exec_driver_sql: the statement and its dict go to the driver as they are.
    return conn.exec_driver_sql(_SQL[conn.dialect.name][name], params)


def _bind_time(dialect: Dialect) -> Callable[[dt.datetime], Any]:
    """What the column type would send for an aware datetime (UTC; on SQLite its text)."""
    bind = _TIME_BINDS.get(dialect.name)
    if bind is None:
        column_type = ProcessedEventRow.__table__.c.processed_at.type
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        bind = _TIME_BINDS[dialect.name] = processor or (lambda value: value)
    return bind


def _micros(event_ts: str) -> int:
    """Slack's ``1700000000.000100`` as integer microseconds (0 if unreadable)."""
    seconds, _, fraction = event_ts.partition(".")
    try:
        return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])
    except ValueError:
        return 0
