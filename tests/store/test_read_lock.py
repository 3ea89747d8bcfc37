"""On SQLite, reads never wait for the write lock (they used to, and timed out in bursts)."""

from __future__ import annotations

import threading
import time
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
                release.wait(5)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            assert holding.wait(5)
            started = time.monotonic()
            assert repo.meeting_dates() == []
            assert repo.topics_for_meeting(__import__("datetime").date(2026, 12, 3)) == []
            assert time.monotonic() - started < 1.0
        finally:
            release.set()
            thread.join(5)
