"""The votes part of the repository: reactions applied exactly once, and the event log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.model import TopicStatus
from bot.store.base import StoreBase, insert_ignore, upsert
from bot.store.convert import check_emoji, join_emojis, split_emojis
from bot.store.models import ProcessedEventRow, ReactionMarkRow, TopicRow, VoteRow
from bot.store.records import CardOwner, NotFoundError


class VoteRepository(StoreBase):
    """Each member's vote emojis on a topic, and the ids of the Slack events applied."""

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
                upsert(s, VoteRow, values, keys=("topic_id", "member_id"))
        return frozenset(wanted) - before, before - frozenset(wanted)

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
        from sqlalchemy.dialects import postgresql, sqlite  # lazily: PostgreSQL's costs ~35 ms

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
            insert_ignore(s, VoteRow, values)
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


def _micros(event_ts: str) -> int:
    """Slack's ``1700000000.000100`` as integer microseconds (0 if unreadable)."""
    seconds, _, fraction = event_ts.partition(".")
    try:
        return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])
    except ValueError:
        return 0
