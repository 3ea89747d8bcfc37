"""Test plumbing for bot.links: a counting server on 127.0.0.1 and stubs that must stay unused."""

from __future__ import annotations

import ipaddress
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import pytest

from bot.links.fetcher import SafeFetcher, TransportFactory
from bot.links.transport import PinnedTransport

T = TypeVar("T")

PUBLIC_IP = "93.184.216.34"  # only ever reached through httpx.MockTransport

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Dispatches GET requests to the routes of the owning LocalServer."""

    server: _Server

    def do_GET(self) -> None:
        app = self.server.app
        path = self.path.split("?", 1)[0]
        with app.lock:
            app.requests.append(self.path)
        route = app.routes.get(path)
        try:
            if route is None:
                self.send_bytes(b"not found", status=404, content_type="text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (byte cap, deadline)

    def send_bytes(
        self,
        body: bytes,
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @property
    def stop(self) -> threading.Event:
        return self.server.app.stop

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins handler threads: nothing leaks
    block_on_close = True
    request_queue_size = 128

    def __init__(self, app: LocalServer) -> None:
        self.app = app
        super().__init__(("127.0.0.1", 0), Handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.app.lock:
            self.app.connections += 1
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # aborted connections are the point of several tests


@dataclass
class LocalServer:
    """A threaded HTTP server on 127.0.0.1 that counts every accepted connection."""

    routes: dict[str, Route]
    connections: int = 0
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    _server: _Server | None = None
    _thread: threading.Thread | None = None

    def start(self, wrap: Callable[[_Server], None] | None = None) -> LocalServer:
        self._server = _Server(self)
        if wrap is not None:
            wrap(self._server)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def hatch(self) -> frozenset[tuple[str, int]]:
        return frozenset({("127.0.0.1", self.port)})

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)


def html_route(
    body: str | bytes,
    *,
    content_type: str | None = "text/html; charset=utf-8",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    delay: float = 0.0,
) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def route(handler: Handler) -> None:
        if delay:
            handler.stop.wait(delay)
        handler.send_bytes(data, status=status, content_type=content_type, headers=headers)

    return route


def redirect_route(location: str, status: int = 302) -> Route:
    def route(handler: Handler) -> None:
        handler.send_bytes(b"", status=status, content_type=None, headers={"Location": location})

    return route


@dataclass
class StubResolver:
    """Answers only for the names it was given; any other lookup fails the test."""

    answers: Mapping[str, list[str]] = field(default_factory=dict)
    calls: list[tuple[str, int]] = field(default_factory=list)

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        if host not in self.answers:
            pytest.fail(f"resolver asked for {host!r}: refusal must come before any lookup")
        return list(self.answers[host])


def forbidden_transport(address: str, deadline: float) -> httpx.BaseTransport:
    pytest.fail(f"transport requested for {address}: the fetch should have been refused")


def loopback_only_transport(address: str, deadline: float) -> httpx.BaseTransport:
    """The real pinned transport, but only towards loopback: a broken fetcher fails here."""
    if not ipaddress.ip_address(address).is_loopback:
        pytest.fail(f"test tried to open a socket to {address}")
    return PinnedTransport(address, deadline, ssl_context=_TLS)


# Built once: many threads building their own at the same moment would skew timing tests.
_TLS: ssl.SSLContext = httpx.create_ssl_context()


def mock_factory(transport: httpx.MockTransport) -> TransportFactory:
    def factory(address: str, deadline: float) -> httpx.BaseTransport:
        return transport

    return factory


def local_fetcher(server: LocalServer, **kwargs: Any) -> SafeFetcher:
    """A fetcher allowed to reach ``server`` (and only it) on loopback."""
    kwargs.setdefault("resolver", StubResolver())
    kwargs.setdefault("transport_factory", loopback_only_transport)
    return SafeFetcher(allow_loopback_for_tests=server.hatch, **kwargs)


def finishes(work: Callable[[], T], hang_guard: float = 60.0) -> T:
    """Run ``work`` in a thread and return its result; fail if it never ends.

    Deadline tests give the code under test a peer that never finishes on its own, so
    only the code's own deadline can end the call. The guard is not a timing target
    (those are measured in bench/): it turns a broken deadline into a failure instead
    of a hung test run, with a margin no loaded machine comes near.
    """
    box: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(hang_guard)
    if thread.is_alive():
        raise AssertionError("the call never ended: its deadline does not hold")
    if errors:
        raise errors[0]
    return box[0]
