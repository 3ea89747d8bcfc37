"""The Bolt app, its HTTP server (POST /slack/events, GET /healthz) and Socket Mode."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.core.submission import slack_unescape
from bot.slack import actions, commands, home, modal
from bot.slack.blocks import escape
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


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
    for surface in (commands, modal, actions, home):
        surface.register(app, deps=deps)
    for register in extra or []:
        register(app)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Any) -> None:
        log.error("listener_failed", exc_info=error, extra={"kind": body.get("type")})
        if body.get("response_url"):
            typed = slack_unescape(str(body.get("text") or ""))
            echo = f"\n```{escape(typed)}```" if typed.strip() else ""
            respond(text=t(deps.lang, "internal_error") + echo, response_type="ephemeral")

    return app


def listener_pool() -> ThreadPoolExecutor:
    """Bolt's listener threads (its default of 5 made acks queue behind work)."""
    return ThreadPoolExecutor(max_workers=32, thread_name_prefix="listener")


class _Handler(BaseHTTPRequestHandler):
    app: App
    health: Callable[[], bool]
    accept_events: bool = True
    protocol_version = "HTTP/1.1"
    timeout = 15  # seconds a client may stall before its socket is closed

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes, headers: Mapping[str, Any] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            for item in value if isinstance(value, list | tuple) else [value]:
                if name.lower() != "content-length":
                    self.send_header(name, str(item))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/healthz":
            ok = self.health()
            body = json.dumps({"ok": ok}).encode()
            self._send(200 if ok else 503, body, {"Content-Type": "application/json"})
        else:
            self._send(404, b"not found", {"Content-Type": "text/plain"})

    def do_POST(self) -> None:
        if not self.accept_events or self.path.split("?")[0] != "/slack/events":
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            length = -1
        if length < 0:
            self._send(411, b"length required", {"Content-Type": "text/plain"})
            return
        if length > MAX_BODY:
            self._send(413, b"too large", {"Content-Type": "text/plain"})
            return
        raw = self.rfile.read(length).decode("utf-8", errors="replace")
        stamp = self.headers.get("X-Slack-Request-Timestamp", "")
        if not stamp.isdigit():
            # HTTP mode always verifies signatures, and Slack's check raises on a
            # non-numeric stamp: such a request is forged, so answer it as one.
            self._send(401, b"invalid request", {"Content-Type": "text/plain"})
            return
        request_id = uuid.uuid4().hex[:12]
        headers: dict[str, str | Sequence[str]] = {k.lower(): [v] for k, v in self.headers.items()}
        response = self.app.dispatch(
            BoltRequest(body=raw, headers=headers, context={"request_id": request_id})
        )
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of Slack retries must not overflow the backlog


class HttpServer:
    """A threaded HTTP server for the Bolt app; start() in a thread, stop() cleanly."""

    def __init__(
        self,
        app: App,
        host: str,
        port: int,
        health: Callable[[], bool],
        *,
        accept_events: bool = True,
    ) -> None:
        # In Socket Mode only /healthz is served: events come over the socket, unsigned.
        attributes = {"app": app, "health": staticmethod(health), "accept_events": accept_events}
        handler = type("Handler", (_Handler,), attributes)
        self.server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
