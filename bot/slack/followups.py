"""Follow-up work after the ack (a submission's card and receipt): bounded, and second
to any request that is still waiting for its ack.

Python threads have no priorities: a few threads busy with follow-ups take the GIL
from the threads that must answer Slack within 3 s. So the follow-up workers are few,
and each one waits, before starting a job, until no request taken in by Bolt is left
without its ack (or ``max_wait`` has passed, so follow-ups are never starved either).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt import App, BoltContext
from slack_bolt.response import BoltResponse

from bot.slack.app import _StickyAck

T = TypeVar("T")
# Slack gives up on a request after 3 s: one never acked (no listener matched) stops
# counting then, so it cannot hold the follow-ups back for longer.
STALE_AFTER = 3.0


class AckGate:
    """The requests Bolt has taken in and not yet acknowledged."""

    def __init__(
        self, *, stale_after: float = STALE_AFTER, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._changed = threading.Condition()
        self._pending: dict[int, float] = {}
        self._tokens = itertools.count()
        self._stale_after = stale_after
        self._clock = clock

    def register(self, app: App) -> None:
        """Count every request from the moment Bolt's middleware sees it."""
        app.middleware(self._middleware)

    def _middleware(self, context: BoltContext, next: Callable[[], None]) -> None:
        context["ack"] = _GatedAck(self, self.enter())
        next()

    def enter(self) -> int:
        with self._changed:
            token = next(self._tokens)
            self._pending[token] = self._clock()
            return token

    def leave(self, token: int) -> None:
        with self._changed:
            if self._pending.pop(token, None) is not None:
                self._changed.notify_all()

    def busy(self) -> bool:
        with self._changed:
            return self._busy()

    def _busy(self) -> bool:
        oldest = self._clock() - self._stale_after
        for token, since in list(self._pending.items()):
            if since < oldest:
                del self._pending[token]
        return bool(self._pending)

    def wait_quiet(self, timeout: float) -> bool:
        """Block until no request waits for its ack, or ``timeout``; True when quiet."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._busy(), timeout)


class _GatedAck(_StickyAck):
    """Bolt's ack for one request; giving it tells the gate."""

    def __init__(self, gate: AckGate, token: int) -> None:
        self._gate, self._token = gate, token
        super().__init__()  # type: ignore[no-untyped-call]

    @_StickyAck.response.setter  # type: ignore[attr-defined, untyped-decorator]
    def response(self, value: BoltResponse | None) -> None:
        _StickyAck.response.fset(self, value)  # type: ignore[attr-defined]
        if value is not None:
            self._gate.leave(self._token)


class FollowUps(Executor):
    """A small pool whose jobs start only when the gate is quiet (or after ``max_wait``)."""

    def __init__(self, gate: AckGate, *, workers: int = 2, max_wait: float = 0.25) -> None:
        self._gate = gate
        self._max_wait = max_wait
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="work")
        self._lock = threading.Lock()
        self.waiting = 0  # workers holding a job back for pending acks (tests, benches)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._pool.submit(self._run, fn, args, kwargs)

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        with self._lock:
            self.waiting += 1
        try:
            self._gate.wait_quiet(self._max_wait)
        finally:
            with self._lock:
                self.waiting -= 1
        return fn(*args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
