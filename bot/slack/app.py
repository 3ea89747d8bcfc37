"""The Bolt app, its HTTP server (POST /slack/events, GET /healthz and extra routes)."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.core.submission import slack_unescape
from bot.slack import actions, commands, home, modal
from bot.slack.blocks import escape
from bot.slack.connections import ConnectionServer
from bot.slack.deps import SlackDeps
from bot.slack.edge import (
    Rejected,
    parse_signed,
    reply_hosts,
    tell_member,
    verify_signature,
)

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
MAX_CONNECTIONS = 256  # handler threads; beyond it the slowest unread connection is cut
REQUEST_DEADLINE = 10.0  # seconds for a whole request (line, headers, body) to arrive
REAP_INTERVAL = 0.25
DRAIN_SECONDS = 5.0
_LENGTH = re.compile(r"[0-9]{1,9}")
_TEXT = {"Content-Type": "text/plain"}
_REFUSAL = {
    400: b"bad request",
    401: b"invalid request",
    411: b"length required",
    413: b"too large",
}


def create_app(
    *,
    token: str,
    signing_secret: str | None,
    client: WebClient,
    deps: SlackDeps,
    extra: list[Callable[[App], None]] | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """A Bolt app with every surface registered; token and client passed explicitly."""
    # The client carries the token; handing Bolt both only earns a warning.
    app = App(
        # Listeners ack first and then work (posting, fetching titles); Bolt's default
        # pool of 5 made the sixth concurrent request wait for someone else's work.
        listener_executor=listener_executor or listener_pool(),
        token=None if client.token else token,
        signing_secret=signing_secret,
        client=client,
        token_verification_enabled=False,
        request_verification_enabled=signing_secret is not None,
        logger=logging.getLogger("slack_bolt"),
    )
    app.middleware(_sticky_ack)
    for surface in (commands, modal, actions, home):
        surface.register(app, deps=deps)
    for register in extra or []:
        register(app)

    # A forged request never reaches Bolt (HttpServer verifies first), so its verifier's
    # INFO line with the raw body can only be noise; keep it out of the log.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Any, client: WebClient) -> None:
        # Slack already has its 200 (listeners ack first); the member still hears of it.
        log.error("listener_failed", exc_info=error, extra={"kind": body.get("type")})
        typed = slack_unescape(str(body.get("text") or ""))
        echo = f"\n```{escape(typed)}```" if typed.strip() else ""
        try:
            tell_member(body, client, respond, t(deps.lang, "internal_error") + echo)
        except Exception:
            log.exception("error_reply_failed", extra={"kind": body.get("type")})

    return app


class _StickyAck(Ack):
    """An ack that stays given. When a listener raises after ack(), Bolt's thread runner
    sets ``ack.response`` back to None; the request thread, polling every 10 ms, then
    misses the ack, waits Bolt's 3 s and answers Slack 404 although the member was acked."""

    _given: BoltResponse | None = None

    @property
    def response(self) -> BoltResponse | None:
        return self._given

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._given is None:
            self._given = value


def _sticky_ack(context: BoltContext, next: Callable[[], None]) -> None:
    context["ack"] = _StickyAck()  # type: ignore[no-untyped-call]
    next()


def listener_pool() -> ThreadPoolExecutor:
    """Bolt's listener threads (its default of 5 made acks queue behind work)."""
    return ThreadPoolExecutor(max_workers=32, thread_name_prefix="listener")


# An extra GET route (/readyz, /metrics): status, body, content type.
Route = Callable[[], tuple[int, bytes, str]]
# Told of every dispatched request with the seconds until Bolt answered (the ack).
DispatchObserver = Callable[[BoltRequest, BoltResponse, float], None]


class _Handler(BaseHTTPRequestHandler):
    app: App
    health: Callable[[], bool]
    routes: Mapping[str, Route] = {}
    on_dispatch: DispatchObserver | None = None
    accept_events: bool = True
    signing_secret: str | None = None
    hosts: frozenset[tuple[str, str]] = frozenset()
    server: ConnectionServer
    protocol_version = "HTTP/1.1"
    timeout = REQUEST_DEADLINE  # per read; the server's reaper enforces the overall deadline

    def log_message(self, format: str, *args: Any) -> None:
        return

    def handle_one_request(self) -> None:
        # Waiting for (or reading) a request: the reaper may close this connection.
        self.server.reading(self.connection)
        super().handle_one_request()
        if self.server.closing:
            self.close_connection = True  # draining: no further request on this connection

    def _send(
        self,
        status: int,
        body: bytes,
        headers: Mapping[str, Any] | None = None,
        *,
        close: bool = False,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            for item in value if isinstance(value, list | tuple) else [value]:
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, str(item))
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self, status: int, reason: str) -> None:
        # One line per refused request; the reason is a fixed word, never request content.
        log.warning("slack_request_refused", extra={"status": status, "reason": reason})
        self._send(status, _REFUSAL.get(status, b"bad request"), _TEXT, close=True)

    def do_GET(self) -> None:
        if self.server.was_cut(self.connection):
            self.close_connection = True
            return
        self.server.busy(self.connection)
        # A GET carries no body; one that claims to would leave bytes that the next
        # read takes for a request (desync), so such a connection ends with its answer.
        framed = self.headers.get("Transfer-Encoding") or self.headers.get("Content-Length")
        close = framed not in (None, "0")
        path = self.path.split("?")[0]
        route = self.routes.get(path)
        if path == "/healthz":
            ok = self.health()
            body = json.dumps({"ok": ok}).encode()
            self._send(200 if ok else 503, body, {"Content-Type": "application/json"}, close=close)
        elif route is not None:
            status, body, content_type = route()
            self._send(status, body, {"Content-Type": content_type}, close=close)
        else:
            self._send(404, b"not found", _TEXT, close=close)

    def do_POST(self) -> None:
        if self.server.was_cut(self.connection):  # its headers ended at our own shutdown()
            self.close_connection = True
            return
        try:
            self._post()
        except ConnectionError:  # the client left before its answer: nothing to tell it
            log.debug("http_client_gone")
            self.close_connection = True
        except Exception:
            # Last resort: logged through the redacting formatter, never a bare traceback
            # on stderr, and the client still gets an answer instead of a dropped socket.
            log.exception("slack_request_failed")
            with contextlib.suppress(OSError):
                self._send(500, b"internal error", _TEXT, close=True)

    def _post(self) -> None:
        if not self.accept_events or self.path.split("?")[0] != "/slack/events":
            self._send(404, b"not found", _TEXT, close=True)
            return
        # Slack sends Content-Length. Chunked framing next to it lets a proxy and us
        # disagree on where the request ends (request smuggling): refuse and close.
        if self.headers.get_all("Transfer-Encoding"):
            self._refuse(400, "transfer_encoding")
            return
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:
            self._refuse(400, "several_lengths")
            return
        if not lengths or not _LENGTH.fullmatch(lengths[0]):  # absent, negative, not digits
            self._refuse(411, "length_missing")
            return
        length = int(lengths[0])
        if length > MAX_BODY:
            self._refuse(413, "too_large")
            return
        raw = self.rfile.read(length)
        if len(raw) < length:  # the client stalled past the deadline or went away
            log.warning("slack_request_incomplete")
            self.close_connection = True
            return
        self.server.busy(self.connection)
        try:
            text = self._verified(raw)
        except Rejected as refused:
            self._refuse(refused.status, refused.reason)
            return
        request_id = uuid.uuid4().hex[:12]
        headers: dict[str, str | Sequence[str]] = {k.lower(): [v] for k, v in self.headers.items()}
        request = BoltRequest(body=text, headers=headers, context={"request_id": request_id})
        started = time.perf_counter()
        response = self.app.dispatch(request)
        if self.on_dispatch is not None:
            self.on_dispatch(request, response, time.perf_counter() - started)
        log.info(
            "slack_request",
            extra={
                "request_id": request_id,
                "status": response.status,
                "retry": self.headers.get("X-Slack-Retry-Num"),
            },
        )
        body = response.body.encode("utf-8") if isinstance(response.body, str) else response.body
        self._send(response.status, body, dict(response.headers))

    def _verified(self, raw: bytes) -> str:
        """The body as text once Slack's signature and the body's shape are checked."""
        if self.signing_secret is None:
            raise Rejected(401, "no_signing_secret")
        stamps = self.headers.get_all("X-Slack-Request-Timestamp") or []
        signatures = self.headers.get_all("X-Slack-Signature") or []
        verify_signature(
            self.signing_secret,
            stamps[0] if len(stamps) == 1 else None,
            signatures[0] if len(signatures) == 1 else None,
            raw,
            time.time(),
        )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Rejected(400, "not_utf8") from None
        content_type = (self.headers.get("Content-Type") or "").split(";")[0] or None
        parse_signed(text, content_type, self.hosts)
        return text


class HttpServer:
    """A threaded HTTP server for the Bolt app; start() in a thread, stop() drains it.

    Every POST is verified here, with the signing secret, before Bolt sees it: a forged
    or malformed request is answered 4xx without running a listener or logging its body.
    """

    def __init__(
        self,
        app: App,
        host: str,
        port: int,
        health: Callable[[], bool],
        *,
        accept_events: bool = True,
        signing_secret: str | None = None,
        max_connections: int = MAX_CONNECTIONS,
        deadline: float = REQUEST_DEADLINE,
        routes: Mapping[str, Route] | None = None,
        on_dispatch: DispatchObserver | None = None,
    ) -> None:
        # In Socket Mode only /healthz is served: events come over the socket, unsigned.
        if accept_events and not signing_secret:
            raise ValueError("HTTP mode needs the signing secret to verify requests")
        attributes = {
            "app": app,
            "health": staticmethod(health),
            "accept_events": accept_events,
            "signing_secret": signing_secret,
            "hosts": reply_hosts(app.client.base_url),
            "routes": dict(routes or {}),
            "on_dispatch": staticmethod(on_dispatch) if on_dispatch else None,
        }
        handler = type("Handler", (_Handler,), attributes)
        self.server = ConnectionServer(
            (host, port), handler, max_connections=max_connections, deadline=deadline
        )
        self._thread: threading.Thread | None = None
        self._reaper: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def serve_forever(self) -> None:
        # How long stop() may wait for the serving loop to notice: short, for a quick exit.
        self.server.serve_forever(poll_interval=0.05)

    def _reap_forever(self) -> None:
        while not self._stopped.wait(REAP_INTERVAL):
            self.server.reap()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        self._reaper = threading.Thread(target=self._reap_forever, name="http-reaper", daemon=True)
        self._reaper.start()

    def stop(self, drain: float = DRAIN_SECONDS) -> None:
        """Stop accepting, let requests being answered finish, then close."""
        self.server.shutdown()
        if not self.server.drain(drain):
            log.warning("http_drain_timeout")
        self._stopped.set()
        self.server.server_close()
        for thread in (self._thread, self._reaper):
            if thread is not None:
                thread.join(timeout=5)
