"""On SQLite, reads never wait for the write lock (they used to, and timed out in bursts)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from sqlalchemy import text

from bot.store import Repository, open_database


def test_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    with open_database(f"sqlite:///{tmp_path / 'db.sqlite'}") as database:
        repo = Repository(database)
        holding = threading.Event()
        release = threading.Event()

        def writer() -> None:
            with database.sessions.begin() as s:  # BEGIN IMMEDIATE: holds the write lock
                s.execute(text("SELECT 1"))
                holding.set()
                release.wait(120)  # held until the reads are over (or the test gives up)

        results: list[object] = []

        def reads() -> None:
            try:
                results.append(repo.meeting_dates())
                results.append(repo.topics_for_meeting(dt.date(2026, 12, 3)))
            except Exception as error:  # a read that hit the lock: "database is locked"
                results.append(error)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            assert holding.wait(30)
            # The writer keeps its lock for the whole of the reads: a read that needed it
            # would fail with "database is locked" or never end.
            reader = threading.Thread(target=reads, daemon=True)
            reader.start()
            reader.join(60)
            assert not reader.is_alive(), "a read waited for the writer's lock"
            assert results == [[], []]
        finally:
            release.set()
            thread.join(30)
