"""Shared plumbing for the fake HTTP APIs: a threaded local server, clocks and buckets."""

from __future__ import annotations

import json
import math
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit

Clock = Callable[[], float]


class FakeClock:
    """A manual monotonic clock: pass it as ``clock=`` and move it with ``advance``."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


class TokenBucket:
    """A token bucket of ``capacity`` tokens refilled at ``rate`` tokens per second."""

    def __init__(self, rate: float, capacity: float, clock: Clock) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._last = clock()

    def take(self) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is available."""
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate


def retry_after_header(value: float | str | None, wait: float) -> str:
    """Format a Retry-After value: fixed when configured, else the bucket's wait rounded up."""
    if value is None:
        return str(max(1, math.ceil(wait)))
    if isinstance(value, str):
        return value
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


@dataclass
class HttpRequest:
    """One parsed HTTP request as the fake servers see it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReply:
    """What a fake answers: status, body and extra headers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    @classmethod
    def json(
        cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> HttpReply:
        data = json.dumps(payload, ensure_ascii=False).encode()
        return cls(status=status, body=data, headers=dict(headers or {}))

    @classmethod
    def text(cls, text: str, status: int = 200) -> HttpReply:
        return cls(status=status, body=text.encode(), content_type="text/plain; charset=utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) closes its socket while we answer: not our bug.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeHttpServer:
    """Base of the fakes: serves ``handle`` on 127.0.0.1 at a free port in a daemon thread."""

    server_name: ClassVar[str] = "fake"

    def __init__(self) -> None:
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.server_errors: list[str] = []

    # -- lifecycle -------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL such as ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"{type(self).__name__}-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def sleep(self, seconds: float) -> None:
        """Sleep in a handler thread, cut short when the server stops."""
        if seconds > 0:
            self._stopping.wait(seconds)

    # -- to implement ----------------------------------------------------------------
    def handle(self, request: HttpRequest) -> HttpReply:
        raise NotImplementedError

    # -- plumbing ----------------------------------------------------------------------
    def _safe_handle(self, request: HttpRequest) -> HttpReply:
        try:
            return self.handle(request)
        except Exception:
            text = traceback.format_exc()
            self.server_errors.append(text)
            return HttpReply.text(f"fake server error\n{text}", status=500)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"
            server_version = fake.server_name

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length > 0 else b""
                request = HttpRequest(
                    method=self.command.upper(),
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                reply = fake._safe_handle(request)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Connection", "close")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command.upper() != "HEAD":
                    self.wfile.write(reply.body)

            do_GET = _serve
            do_POST = _serve
            do_PUT = _serve
            do_PATCH = _serve
            do_DELETE = _serve
            do_HEAD = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def now_iso(clock_wall: Callable[[], float] = time.time) -> str:
    """Current UTC time in Notion's ``2025-01-01T00:00:00.000Z`` format."""
    t = time.gmtime(clock_wall())
    return time.strftime("%Y-%m-%dT%H:%M:00.000Z", t)
