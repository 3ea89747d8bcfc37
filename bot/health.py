"""Liveness and readiness: /healthz says the process serves, /readyz says it can work."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from bot.store import Database
from bot.store.db import write_problem

log = logging.getLogger(__name__)

# Socket Mode pings every PING_INTERVAL seconds and Slack answers each ping with a pong
# (RFC 6455 5.5.2); two missed pongs and the link counts as lost, so /readyz turns 503
# at most 2 × PING_INTERVAL (10 s) after the last sign of life, within the 15 s promised.
PING_INTERVAL = 5.0
# HTTP mode: a successful auth.test is trusted this long, so probes do not hammer Slack.
AUTH_TEST_TTL = 30.0

Check = Callable[[], str | None]  # None when fine, else why not (no secret, no user data)


class Session(Protocol):
    """The part of slack_sdk's built-in Socket Mode connection that readiness reads."""

    session_id: str
    last_ping_pong_time: float | None

    def is_active(self) -> bool: ...


class SocketClient(Protocol):
    """The part of slack_sdk's built-in SocketModeClient that readiness reads."""

    current_session: Session | None

    def is_connected(self) -> bool: ...


class SocketLink:
    """Whether the Socket Mode WebSocket is alive: connected and answering pings.

    ``is_connected()`` alone stays true on a socket that went silent (no FIN, a dead
    NAT entry) until the SDK's own stale check, 4 pings later; the pong time does not.
    """

    def __init__(
        self,
        client: SocketClient,
        *,
        ping_interval: float = PING_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.stale_after = 2 * ping_interval
        self.clock = clock
        self._first_seen: dict[str, float] = {}

    def problem(self) -> str | None:
        session = self.client.current_session
        if session is None or not self.client.is_connected():
            return "socket mode not connected"
        now = self.clock()
        # The SDK records the send time of the ping a pong answered (wall clock).
        last = session.last_ping_pong_time
        if last is None:  # just connected, first pong not back yet: give it its time
            last = self._first_seen.setdefault(session.session_id, now)
        if now - last > self.stale_after:
            return f"socket mode silent for {now - last:.0f} s"
        return None


class AuthCheck:
    """HTTP mode: Slack answers our token (auth.test), remembered for ``ttl`` seconds."""

    def __init__(
        self,
        auth_test: Callable[[], object],
        *,
        ttl: float = AUTH_TEST_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.auth_test = auth_test
        self.ttl = ttl
        self.clock = clock
        self._ok_at: float | None = None
        self._lock = threading.Lock()

    def seen(self) -> None:
        """Any successful Web API call proves Slack reachable as well as auth.test."""
        self._ok_at = self.clock()

    def problem(self) -> str | None:
        with self._lock:
            if self._ok_at is not None and self.clock() - self._ok_at < self.ttl:
                return None
            try:
                self.auth_test()
            except Exception as error:  # any failure means "not reachable"; no detail leaks
                return f"slack web api unreachable ({type(error).__name__})"
            self._ok_at = self.clock()
            return None


def database_check(database: Callable[[], Database]) -> Check:
    """The database takes a write (a read-only file still answers reads)."""

    def check() -> str | None:
        problem = write_problem(database())
        return None if problem is None else f"database does not accept writes: {problem}"

    return check


class Readiness:
    """Named checks; /readyz is 200 when every one passes, else 503 naming the failures."""

    def __init__(self, checks: Mapping[str, Check]) -> None:
        self.checks = dict(checks)
        self._failing: frozenset[str] = frozenset()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, check in self.checks.items():
            try:
                problem = check()
            except Exception as error:  # a crashing check is a failing one, not a 500
                problem = f"check failed ({type(error).__name__})"
            if problem is not None:
                found[name] = problem
        return found

    def route(self) -> tuple[int, bytes, str]:
        """The /readyz answer: 200 or 503 with {"ok", "checks": {name: "ok" | problem}}."""
        problems = self.problems()
        checks = {name: problems.get(name, "ok") for name in self.checks}
        failing = frozenset(problems)
        if failing != self._failing:  # once per change, not once per probe
            self._failing = failing
            if failing:
                log.warning("not_ready", extra={"failing": ",".join(sorted(failing))})
            else:
                log.info("ready")
        body = json.dumps({"ok": not problems, "checks": checks}).encode()
        return (503 if problems else 200), body, "application/json"


def alive() -> bool:
    """/healthz: answering at all is the proof; readiness is /readyz's business."""
    return True
