"""The HTTP edge under hostile input: forged, malformed, smuggled, stalled requests."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from bot.core.i18n import t
from bot.logs import MAX_LINE, _Formatter
from bot.slack import ids
from bot.slack.app import HttpServer
from bot.slack.edge import reply_allowed, reply_hosts
from tests.slack.harness import CHANNEL, SECRET, Bot, running_bot, wait_for

FORGED_LINE = "12:00:00 INFO    forged_admin_login user=root"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    # One running app for the module: every test here checks what a request changes
    # (calls counted before and after), and a fresh app per case costs a migration each.
    with running_bot(tmp_path_factory.mktemp("http")) as running:
        yield running


class Trap:
    """A local HTTP server that counts every connection made to it (an SSRF target)."""

    def __init__(self) -> None:
        self.connections = 0
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                trap.connections += 1
                super().setup()

            def do_POST(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Trap:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    with Trap() as running:
        yield running


def command_body(
    response_url: str, text: str = f"[論文] x https://a.example\n{FORGED_LINE}"
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T0TEAM",
            "channel_id": CHANNEL,
            "user_id": "U04SHUN",
            "command": "/topic",
            "text": text,
            "response_url": response_url,
            "trigger_id": f"trigger.{uuid.uuid4().hex}",
        }
    )


def sign(body: bytes | str, stamp: str, secret: str = SECRET) -> str:
    text = body.decode() if isinstance(body, bytes) else body
    return SignatureVerifier(secret).generate_signature(timestamp=stamp, body=text)


def raw_request(port: int, head: list[str], body: bytes = b"", extra: bytes = b"") -> bytes:
    """Send bytes exactly as given (headers UTF-8) and read until the server closes."""
    lines = "\r\n".join(head) + "\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(lines.encode("utf-8") + body + extra)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def post_head(length: int, stamp: str, signature: str, *more: str) -> list[str]:
    return [
        "POST /slack/events HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {length}",
        f"X-Slack-Request-Timestamp: {stamp}",
        f"X-Slack-Signature: {signature}",
        *more,
    ]


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def rendered(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = _Formatter(json_lines=False, secrets=(SECRET,))
    return [formatter.format(r) for r in caplog.records]


def assert_quiet_refusal(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], trap: Trap
) -> None:
    """No outbound request, no traceback, exactly one one-line log record without the body."""
    assert trap.connections == 0
    err = capfd.readouterr().err
    assert "Traceback" not in err
    refused = [r for r in caplog.records if r.getMessage() == "slack_request_refused"]
    assert len(refused) == 1
    for line in rendered(caplog):
        assert "\n" not in line and "forged_admin_login" not in line and "a.example" not in line


# -- #13.1 / #13.2: unsigned or mis-signed requests of every shape ------------------


def _forged(case: str, body: bytes) -> list[str]:
    now = str(int(time.time()))
    good = sign(body, now)
    shapes = {
        "superscript_stamp": ("²", good),
        "huge_stamp": ("9" * 5000, good),
        "signed_stamp_with_plus": (f"+{now}", good),
        "non_ascii_signature": (now, "v0=é" + "0" * 63),
        "short_signature": (now, "v0=" + "0" * 63),
        "uppercase_signature": (now, good.upper().replace("V0=", "v0=")),
        "wrong_secret": (now, sign(body, now, secret="not-the-secret")),
        "stale": (str(int(time.time()) - 600), sign(body, str(int(time.time()) - 600))),
        "missing": ("", ""),
    }
    stamp, signature = shapes[case]
    return post_head(len(body), stamp, signature)


@pytest.mark.parametrize(
    "case",
    [
        "superscript_stamp",
        "huge_stamp",
        "signed_stamp_with_plus",
        "non_ascii_signature",
        "short_signature",
        "uppercase_signature",
        "wrong_secret",
        "stale",
        "missing",
    ],
)
def test_forged_requests_get_401_and_reach_nothing(
    bot: Bot,
    trap: Trap,
    case: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    before = len(bot.slack.calls)
    body = command_body(trap.url).encode()
    answer = raw_request(bot.server.port, _forged(case, body), body)
    assert status_of(answer) == 401
    assert len(bot.slack.calls) == before
    assert_quiet_refusal(caplog, capfd, trap)


@pytest.mark.parametrize(
    "body",
    [
        b"payload=%7Bnot+json",
        b'{"type": "event_callback", ',
        b"[1, 2]",
        b"payload=%5B1%5D",
    ],
)
def test_forged_malformed_bodies_are_refused_before_parsing(
    bot: Bot,
    trap: Trap,
    body: bytes,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    head = post_head(len(body), str(int(time.time())), "v0=" + "0" * 64)
    assert status_of(raw_request(bot.server.port, head, body)) == 401
    assert_quiet_refusal(caplog, capfd, trap)


# -- #13.8: framing -----------------------------------------------------------------


def test_chunked_with_content_length_is_refused_and_the_rest_never_served(
    bot: Bot, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    before = len(bot.slack.calls)
    body = command_body(bot.slack.response_url()).encode()
    stamp = str(int(time.time()))
    head = [*post_head(len(body), stamp, sign(body, stamp)), "Transfer-Encoding: chunked"]
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = raw_request(bot.server.port, head, body, extra=smuggled)
    assert status_of(answer) == 400
    assert answer.count(b"HTTP/1.1 ") == 1  # the leftover bytes were not a second request
    assert b"connection: close" in answer.lower()
    assert len(bot.slack.calls) == before
    assert "Traceback" not in capfd.readouterr().err
    assert [r.getMessage() for r in caplog.records].count("slack_request_refused") == 1


def test_two_content_lengths_are_refused_and_the_rest_never_served(bot: Bot) -> None:
    body = command_body(bot.slack.response_url(), "help").encode()
    stamp = str(int(time.time()))
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    head = [*post_head(len(body), stamp, sign(body, stamp)), f"Content-Length: {len(body) + 5}"]
    answer = raw_request(bot.server.port, head, body, extra=smuggled)
    assert status_of(answer) == 400 and answer.count(b"HTTP/1.1 ") == 1


# -- #13.8 / #14.7: signed but malformed --------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        ("payload=", "application/x-www-form-urlencoded"),
        ("command=%2Ftopic", "application/x-www-form-urlencoded"),
        ("token=x&team_id=T1", "application/x-www-form-urlencoded"),
        ('{"type": "event_callback", ', "application/json"),
        ("[1, 2]", "application/json"),
        ('"just a string"', "application/json"),
        ('{"event": {}}', "application/json"),
    ],
)
def test_signed_malformed_requests_get_a_400_logged_once(
    bot: Bot,
    body: str,
    content_type: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO)
    before = len(bot.slack.calls)
    response = bot.post(body, content_type)
    assert response.status_code == 400
    assert "Traceback" not in capfd.readouterr().err
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("slack_request_refused") == 1
    assert len(bot.slack.calls) == before


def test_signed_request_whose_response_url_is_not_slack_is_refused(
    bot: Bot, trap: Trap, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    response = bot.post(command_body(trap.url), "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert_quiet_refusal(caplog, capfd, trap)
    # The same request with the fake Slack's own response_url is served.
    url = bot.slack.response_url()
    ok = bot.post(command_body(url, "help"), "application/x-www-form-urlencoded")
    assert ok.status_code == 200
    assert bot.replies(url)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T1/1/abc", True),
        ("http://hooks.slack.com/commands/T1/1/abc", False),
        ("https://hooks.slack.com.evil.example/commands", False),
        ("https://evil.example@hooks.slack.com/commands", False),
        ("https://hooks.slack.com@evil.example/commands", False),
        ("http://127.0.0.1:8765/commands/response/1", True),
        ("http://127.0.0.1:8766/commands/response/1", False),
        ("http://169.254.169.254/latest/meta-data", False),
        (None, False),
        (["https://hooks.slack.com/x"], False),
    ],
)
def test_replies_only_go_to_slack_or_the_loopback_api(url: object, allowed: bool) -> None:
    hosts = reply_hosts("http://127.0.0.1:8765/api/")
    assert reply_allowed(url, hosts) is allowed


def test_a_public_api_url_adds_no_reply_host() -> None:
    assert reply_hosts("https://slack.com/api/") == {("https", "hooks.slack.com")}


# -- #13.2: the formatter -----------------------------------------------------------


def _record(message: str, **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("bot.test", logging.INFO, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_text_lines_escape_control_characters_and_are_capped() -> None:
    formatter = _Formatter(json_lines=False, secrets=())
    line = formatter.format(
        _record("evil\n" + FORGED_LINE, note="a\r\nb\x1b[31m\u2028c", big="x" * (10 * MAX_LINE))
    )
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert "evil\\n12:00:00" in line and "a\\r\\nb\\x1b[31m\\u2028c" in line
    assert len(line) < MAX_LINE + 100


def test_tracebacks_stay_on_the_line_and_secrets_are_not_cut_into_a_prefix() -> None:
    secret = "s3cr3t-" + "k" * 40
    formatter = _Formatter(json_lines=False, secrets=(secret,))
    try:
        raise ValueError("bad input\n" + FORGED_LINE)
    except ValueError:
        import sys

        record = _record("listener_failed")
        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "\n" not in line and "Traceback" in line and "ValueError: bad input\\n" in line
    cut = formatter.format(_record("y" * (MAX_LINE - 10) + secret))
    assert "s3cr3t" not in cut


def test_json_lines_cap_long_fields() -> None:
    formatter = _Formatter(json_lines=True, secrets=())
    line = formatter.format(_record("event", body="x" * (5 * MAX_LINE), count=3))
    payload = json.loads(line)
    assert len(payload["body"]) < MAX_LINE + 50 and payload["count"] == 3
    assert "\n" not in line


# -- #14.6: listeners that fail after their ack, payloads without response_url -------


def _home_action(action_id: str, value: str) -> dict[str, Any]:
    """A button in App Home: Slack sends no channel and no response_url from a view."""
    return {
        "type": "block_actions",
        "user": {"id": "U04SHUN", "username": "u04shun", "team_id": "T0TEAM"},
        "api_app_id": "A0STUDY",
        "token": "legacy",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": f"trigger.{uuid.uuid4().hex}",
        "team": {"id": "T0TEAM", "domain": "ml"},
        "view": {"id": "V0HOME", "type": "home", "blocks": []},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "action_ts": "1700000000.000100",
            }
        ],
    }


def test_home_button_without_response_url_answers_by_dm(bot: Bot) -> None:
    response = bot.interactive(_home_action(ids.ACTION_WITHDRAW, "999"))
    assert response.status_code == 200
    not_yours = t(bot.runtime.deps.lang, "not_yours")
    dms = wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.params["text"] == not_yours]
    )
    assert dms[0].params["channel"] == "U04SHUN"


def test_listener_failing_after_ack_still_tells_the_member(bot: Bot) -> None:
    # An impossible meeting date makes the carry-over listener raise right after ack().
    # Bolt then resets the ack (a race with the request thread): several tries expose it.
    payload = _home_action(ids.ACTION_CARRY_OVER, "not-a-date")
    payload["channel"] = {"id": CHANNEL, "name": "ml-study"}
    statuses = [bot.interactive(payload).status_code for _ in range(5)]
    assert statuses == [200] * 5
    oops = t(bot.runtime.deps.lang, "internal_error")
    told = wait_for(
        lambda: [
            c for c in bot.slack.calls_to("chat.postEphemeral") if c.params["text"].startswith(oops)
        ]
    )
    assert told[0].params["channel"] == CHANNEL and told[0].params["user"] == "U04SHUN"


# -- #13.7: slow and stalled connections --------------------------------------------


@contextmanager
def stalled(port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that send half a request and then nothing."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed its side (recv answers b'' or a reset)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


@pytest.mark.slow
def test_healthz_answers_with_300_stalled_connections(bot: Bot) -> None:
    with stalled(bot.server.port, 300):
        response = httpx.get(f"{bot.url}/healthz", timeout=10)
    assert response.status_code == 200


def test_past_the_connection_cap_the_slowest_reader_is_cut(bot: Bot) -> None:
    server = HttpServer(
        bot.runtime.app,
        "127.0.0.1",
        0,
        lambda: True,
        signing_secret=SECRET,
        max_connections=8,
        deadline=60,
    )
    server.start()
    try:
        with stalled(server.port, 12) as sockets:
            # The first four waited longest: they made room for the last four.
            assert all(closed_by_server(sock) for sock in sockets[:4])
            response = httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=10)
            assert response.status_code == 200
    finally:
        server.stop()


@pytest.mark.slow
def test_a_request_trickled_byte_by_byte_is_cut_at_its_deadline(bot: Bot) -> None:
    server = HttpServer(
        bot.runtime.app, "127.0.0.1", 0, lambda: True, signing_secret=SECRET, deadline=0.5
    )
    server.start()
    done = threading.Event()
    try:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)

        def trickle() -> None:
            # One byte every 50 ms: each read is fast, the request never completes.
            for byte in b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 10_000:
                if done.wait(0.05):
                    return
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    return

        sender = threading.Thread(target=trickle, daemon=True)
        sender.start()
        assert closed_by_server(sock)
    finally:
        done.set()
        sock.close()
        server.stop()


def test_a_get_with_a_body_is_answered_once_and_closed(bot: Bot) -> None:
    head = ["GET /healthz HTTP/1.1", "Host: x", "Content-Length: 35"]
    smuggled = b"GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = raw_request(bot.server.port, head, smuggled[:35])
    assert status_of(answer) == 200 and answer.count(b"HTTP/1.1 ") == 1


def test_stop_finishes_the_request_being_answered_and_closes_idle_connections(
    bot: Bot,
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_health() -> bool:
        entered.set()
        return release.wait(10)

    server = HttpServer(bot.runtime.app, "127.0.0.1", 0, slow_health, signing_secret=SECRET)
    server.start()
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    idle.sendall(b"GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n")
    seen = b""
    while not seen.endswith(b"not found"):  # the whole 404: accepted, now idle (keep-alive)
        seen += idle.recv(65536)
    answers: list[int] = []
    client = threading.Thread(
        target=lambda: answers.append(
            httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=10).status_code
        )
    )
    stopper = threading.Thread(target=server.stop)
    try:
        client.start()
        assert entered.wait(10)
        stopper.start()
        assert closed_by_server(idle)  # the idle connection goes first...
        assert stopper.is_alive()  # ...while stop() still waits for the request in flight
    finally:
        release.set()
        idle.close()
        client.join(10)
        if stopper.ident is None:  # failed before stop() began
            server.stop()
        else:
            stopper.join(10)
    assert answers == [200]
