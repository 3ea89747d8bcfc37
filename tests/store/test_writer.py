"""One writer at a time per SQLite file: writers queue in the process, not in SQLite.

SQLite's own busy timeout is set to 0 here, so a writer that reached SQLite while
another held the write lock would fail at once with "database is locked" (before the
writer lock it slept in SQLite's back-off instead, for seconds under a burst).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store import Database, Repository, open_database
from bot.store import db as db_module
from bot.store.db import DatabaseInUseError, hold_sole_process, lock_path
from tests.conftest import Cli
from tests.slack.harness import wait_for
from tests.store.conftest import NewTopicFactory


@pytest.fixture
def impatient(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated SQLite database whose connections never wait for SQLite's lock."""
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 0)
    with open_database(f"sqlite:///{tmp_path / 'studybot.db'}") as database:
        yield database


def test_a_writer_waits_in_line_for_the_one_in_progress(impatient: Database) -> None:
    repo = Repository(impatient)
    writer = impatient.writer
    assert writer is not None
    outcome: list[object] = []

    def second() -> None:
        try:
            outcome.append(repo.mark_event_processed("Ev-second"))
        except Exception as error:  # "database is locked" from SQLite: the old way
            outcome.append(error)

    thread = threading.Thread(target=second)
    with impatient.write() as s:
        s.execute(
            text("INSERT INTO processed_events (event_id, processed_at) VALUES ('Ev-1', '2026')")
        )
        thread.start()
        # The second writer is parked on the lock while this transaction is open.
        wait_for(lambda: writer.waiting == 1 or outcome, 60)
        assert outcome == []
    thread.join(120)
    assert outcome == [True]
    assert repo.mark_event_processed("Ev-1") is False  # the first one was committed


@pytest.mark.slow
def test_eight_threads_of_votes_never_meet_sqlites_lock(
    impatient: Database, new_topic: NewTopicFactory
) -> None:
    repo = Repository(impatient)
    topic = repo.add_topic(new_topic())

    def vote(n: int) -> bool:
        return repo.apply_reaction(f"Ev{n:04d}", topic.id, f"U{n % 40:04d}", "+1", True)

    with ThreadPoolExecutor(8) as pool:
        applied = list(pool.map(vote, range(300)))
    assert applied == [True] * 300
    assert repo.vote_count(topic.id) == 40  # 40 members, each voting several times
    assert impatient.writer is not None and impatient.writer.waiting == 0


def test_postgresql_keeps_concurrent_writers() -> None:
    from sqlalchemy import create_engine

    engine = create_engine("postgresql+psycopg://u@127.0.0.1:1/x")  # never connected
    assert Database(engine).writer is None
    assert lock_path("postgresql://u@127.0.0.1/x") is None


def test_one_process_per_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'studybot.db'}"
    assert lock_path(url) == tmp_path / "data" / "studybot.db.lock"
    first = hold_sole_process(url)
    assert first is not None
    try:
        with pytest.raises(DatabaseInUseError) as refused:
            hold_sole_process(url)  # flock: a second open file is refused, same process too
        assert refused.value.holder.isdigit()
    finally:
        first.close()
    again = hold_sole_process(url)  # the lock goes with the file (and with the process)
    assert again is not None
    again.close()


@pytest.mark.parametrize(
    ("language", "words"), [("ja", "SQLite のファイル 1 つ"), ("en", "one SQLite file serves")]
)
def test_run_refuses_a_second_process_on_one_sqlite_file(
    cli: Cli, tmp_path: Path, language: str, words: str
) -> None:
    url = f"sqlite:///{tmp_path / 'studybot.db'}"
    env = {
        "SLACK_BOT_TOKEN": "xoxb-writer-test",
        "SLACK_SIGNING_SECRET": "writer-test-secret",
        "STUDY_CHANNEL": "C0WRITER01",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never reached: refused before
        "DATABASE_URL": url,
        "LANGUAGE": language,
    }
    held = hold_sole_process(url)
    assert held is not None
    try:
        result = cli(env, "run")
    finally:
        held.close()
    assert result.returncode == 1
    assert words in result.stderr
    assert "PostgreSQL" in result.stderr
    assert "studybot.db" in result.stderr
    assert not (tmp_path / "studybot.db").exists()  # refused before touching the database


def test_writers_take_their_turn_in_order_of_arrival() -> None:
    from bot.store.db import WriterLock

    lock = WriterLock(timeout=120)
    order: list[str] = []

    def writer(name: str) -> None:
        with lock:
            order.append(name)

    threads = {name: threading.Thread(target=writer, args=(name,)) for name in "ABC"}
    with lock:
        for n, name in enumerate("ABC", start=1):
            threads[name].start()
            wait_for(lambda n=n: lock.waiting == n, 60)
        with lock:  # reentrant for the holder
            pass
    for thread in threads.values():
        thread.join(120)
    assert order == ["A", "B", "C"]  # nobody overtook a writer that waited longer
    assert lock.waiting == 0


def test_a_writer_that_waits_too_long_fails_like_sqlite_and_leaves_the_line() -> None:
    from sqlalchemy.exc import OperationalError

    from bot.store.db import WriterLock

    lock = WriterLock(timeout=0.01)
    failed: list[BaseException] = []

    def impatient() -> None:
        try:
            with lock:
                pass
        except OperationalError as error:
            failed.append(error)

    with lock:
        thread = threading.Thread(target=impatient)
        thread.start()
        thread.join(120)
    assert len(failed) == 1 and "database is locked" in str(failed[0])
    assert lock.waiting == 0
    with lock:  # still usable
        pass
