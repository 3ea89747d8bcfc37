"""One writer at a time within the process (SQLite's write path).

Apart from bot.store.db (which re-exports WriterLock) so that both stay short.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque

from sqlalchemy.exc import OperationalError


class WriterLock:
    """One writer at a time within the process, waiting in line instead of in SQLite.

    SQLite admits one writer per file; the others sleep in ``busy_timeout``'s growing
    back-off and lose the race to whoever arrives next, so under a burst a few votes
    waited seconds. Here the next writer is woken as soon as the previous one commits,
    in order of arrival (a plain lock lets a newcomer overtake a writer that has waited
    long, which is what made the tail). Reentrant, so a nested write in one thread
    fails in SQLite as before, not here.
    """

    def __init__(self, timeout: float) -> None:
        self._mutex = threading.Lock()
        self._queue: deque[tuple[int, threading.Event]] = deque()
        self._owner: int | None = None
        self._depth = 0
        self._timeout = timeout

    @property
    def waiting(self) -> int:
        """Writers queued right now (for tests and benchmarks)."""
        with self._mutex:
            return len(self._queue)

    def __enter__(self) -> WriterLock:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return self
            if self._owner is None and not self._queue:
                self._owner, self._depth = me, 1
                return self
            turn = (me, threading.Event())
            self._queue.append(turn)
        if not turn[1].wait(self._timeout):
            with self._mutex:
                if self._owner != me:  # not handed over meanwhile: leave the line
                    self._queue.remove(turn)
                    # The same error SQLite's busy timeout gave: handling is unchanged.
                    raise OperationalError(
                        "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
                    )
        with self._mutex:
            self._depth = 1  # the previous writer handed the lock to this thread
        return self

    def __exit__(self, *exc: object) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            if self._queue:
                # Straight to the writer that has waited longest: nobody can overtake it.
                self._owner, woken = self._queue.popleft()
                woken.set()
            else:
                self._owner = None
