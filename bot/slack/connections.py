"""The HTTP server under the Slack app: a thread per connection, a cap on connections,
and a deadline for each request to arrive (a slow client cannot hold the server)."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger("bot.slack.app")  # the events' logger name stays as it was


class ConnectionServer(ThreadingHTTPServer):
    """One thread per connection, at most ``max_connections`` of them, each request read
    within ``deadline`` seconds: a client trickling bytes cannot hold a thread for long,
    and when all slots are taken the slowest reader makes room for the newcomer."""

    daemon_threads = True
    request_queue_size = 128  # a burst of Slack retries must not overflow the backlog

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        *,
        max_connections: int,
        deadline: float,
    ) -> None:
        self.max_connections = max_connections
        self.deadline = deadline
        self.closing = False
        self._lock = threading.Condition()
        self._reading: dict[socket.socket, float] = {}  # connection -> deadline (monotonic)
        self._busy: set[socket.socket] = set()  # request read, being answered: never cut
        self._cut_off: set[socket.socket] = set()  # shut down, its thread not yet finished
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            if len(self._reading) + len(self._busy) >= self.max_connections:
                if not self._reading:  # every slot is answering a request: try later
                    self._cut(request)
                    request.close()
                    log.warning("http_connection_refused", extra={"reason": "all_busy"})
                    return
                # The connection that has waited longest for its request to arrive.
                slowest = min(self._reading, key=self._reading.__getitem__)
                self._drop(slowest)
            self._reading[request] = time.monotonic() + self.deadline
        super().process_request(request, client_address)

    def reading(self, connection: socket.socket) -> None:
        """The connection waits for its next request; the deadline runs from accept() for
        the first one (so the cap cuts in arrival order), from now for the next ones."""
        with self._lock:
            self._busy.discard(connection)
            if connection not in self._reading and connection not in self._cut_off:
                self._reading[connection] = time.monotonic() + self.deadline

    def was_cut(self, connection: socket.socket) -> bool:
        with self._lock:
            return connection in self._cut_off

    def busy(self, connection: socket.socket) -> None:
        with self._lock:
            self._reading.pop(connection, None)
            self._busy.add(connection)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._reading.pop(request, None)
            self._busy.discard(request)
            self._cut_off.discard(request)
            self._lock.notify_all()
        super().shutdown_request(request)

    def reap(self) -> None:
        """Cut every connection whose request has not fully arrived by its deadline."""
        now = time.monotonic()
        with self._lock:
            late = [c for c, deadline in self._reading.items() if deadline <= now]
            for connection in late:
                self._drop(connection)
        if late:
            log.warning("http_connections_reaped", extra={"count": len(late)})

    def drain(self, timeout: float) -> bool:
        """Close idle connections and wait for requests being answered; True if all done."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self.closing = True
            for connection in list(self._reading):
                self._drop(connection)
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _drop(self, connection: socket.socket) -> None:
        del self._reading[connection]
        self._cut_off.add(connection)
        self._cut(connection)

    @staticmethod
    def _cut(connection: socket.socket) -> None:
        # shutdown() (not close()) wakes the thread blocked in recv; it then closes.
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints tracebacks to stderr, around the redacting formatter.
        log.exception("http_connection_failed")
