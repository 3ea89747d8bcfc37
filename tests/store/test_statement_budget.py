"""Every /topic stores a topic and records its card: the SQL each one costs is budgeted.

On SQLite each statement is roughly half a millisecond of CPU through SQLAlchemy, and a
submission's CPU is what competes with acks under a burst (issue #20: 9.9 ms per
/topic against Bolt's 0.7 ms). Counted: statements sent to the database, BEGIN and
COMMIT excluded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.store import Database, Repository
from tests.store.conftest import NewTopicFactory


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            seen.append(statement.split()[0].upper())

    event.listen(database.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", before)


def test_storing_a_submission_and_its_card_stays_within_budget(
    database: Database, repo: Repository, new_topic: NewTopicFactory
) -> None:
    repo.add_topic(new_topic())  # the meeting exists from here on, as it will in a week
    with counted(database) as added:
        topic = repo.add_topic(new_topic())
    with counted(database) as carded:
        stored = repo.set_card(topic.id, "C0CARDS01", "1700000000.000100")
    assert stored.card_ts == "1700000000.000100" and stored.card_channel == "C0CARDS01"
    # meeting (insert-or-keep), duplicate check, topic insert, the source's paper facts;
    # PostgreSQL adds its row lock.
    assert len(added) <= (5 if database.dialect == "postgresql" else 4), added
    # One UPDATE and the read of the stored topic (with its paper facts): no load-lock-flush.
    assert carded[0] == "UPDATE" and carded.count("UPDATE") == 1, carded
    assert len(carded) <= 3, carded


def test_applying_a_vote_stays_within_budget(
    database: Database, repo: Repository, new_topic: NewTopicFactory
) -> None:
    topic = repo.add_topic(new_topic())
    with counted(database) as voted:
        assert repo.apply_reaction("Ev1", topic.id, "U0VOTER1", "+1", True, "1700000001.000000")
    with counted(database) as stale:  # older than the mark: recorded, changes nothing
        assert repo.apply_reaction("Ev0", topic.id, "U0VOTER1", "+1", False, "1700000000.0")
    assert repo.vote_count(topic.id) == 1
    # event id with the topic check, ordering mark (one conditional upsert), vote row
    # taken (insert or keep) and its new emojis.
    assert len(voted) <= 4, voted
    assert len(stale) <= 2, stale


def test_a_vote_finds_its_cards_topic_in_one_narrow_read(
    database: Database, repo: Repository, new_topic: NewTopicFactory
) -> None:
    from bot.core.model import TopicStatus

    topic = repo.add_topic(new_topic())
    repo.set_card(topic.id, "C0CARDS01", "1700000000.000100")
    with counted(database) as read:
        card = repo.card_owner("C0CARDS01", "1700000000.000100")
    assert card is not None and read == ["SELECT"]
    assert (card.topic_id, card.presenter_id, card.withdrawn) == (topic.id, "U1", False)
    repo.set_status(topic.id, TopicStatus.WITHDRAWN)
    assert repo.card_owner("C0CARDS01", "1700000000.000100").withdrawn  # type: ignore[union-attr]
    assert repo.card_owner("C0CARDS01", "1700000000.000999") is None
