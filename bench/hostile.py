"""hostile: how the running app answers forged, malformed and stalled requests.

The real app runs as a subprocess (`python -m bot run`, HTTP mode) against FakeSlack.
Phase 1 sends every hostile shape the HTTP edge refuses (forged stamps and signatures,
invalid or non-object JSON, framing with both Transfer-Encoding and Content-Length,
signed but incomplete commands) and times each answer: Slack-facing refusals should
take well under 100 ms, and none may make the app call out (a trap server counts
connections; it is every body's response_url). Phase 2 holds hundreds of connections
that send half a request and then nothing, and times `/healthz` meanwhile (target 1 s).
Phase 3 (full run only) trickles a request one byte at a time and measures when the
server cuts it (the overall request deadline, 10 s).
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench._common import (
    LOOPBACK,
    AppProcess,
    Result,
    app_env,
    command_body,
    ms,
    percentile,
    signed_headers,
)
from tests.fakes import FakeNotion, FakeSlack

REFUSAL_TARGET_MS = 100.0
HEALTHZ_TARGET_MS = 1000.0
CUT_TARGET_S = 11.0  # the server's 10 s request deadline plus its reaper's tick


@dataclass(frozen=True)
class Sizes:
    rounds: int = 20  # sends of each hostile shape
    stalled: int = 300
    trickle: bool = True


QUICK = Sizes(rounds=2, stalled=40, trickle=False)


class _Trap:
    """Counts connections: a forged request must never make the app call anywhere."""

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

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.url = f"http://{LOOPBACK}:{self.server.server_address[1]}/hook"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _raw(port: int, head: list[str], body: bytes) -> tuple[float, int]:
    """Send exact bytes; (seconds to the status line, status or -1 when none came)."""
    data = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body
    with socket.create_connection((LOOPBACK, port), timeout=10) as sock:
        began = time.perf_counter()
        sock.sendall(data)
        first = sock.recv(64)
        took = time.perf_counter() - began
    try:
        return took, int(first.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return took, -1


def _head(length: int, stamp: str, signature: str, content_type: str, *more: str) -> list[str]:
    return [
        "POST /slack/events HTTP/1.1",
        f"Host: {LOOPBACK}",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        f"X-Slack-Request-Timestamp: {stamp}",
        f"X-Slack-Signature: {signature}",
        *more,
    ]


def _shapes(trap_url: str) -> dict[str, Callable[[], tuple[list[str], bytes]]]:
    form = "application/x-www-form-urlencoded"
    forged = command_body("[blog] x https://example.com\nforged line", "U0HOST", trap_url)
    body = forged.encode()

    def signed(text: str, content_type: str, *more: str) -> tuple[list[str], bytes]:
        headers = signed_headers(text, content_type)
        head = _head(
            len(text.encode()),
            headers["X-Slack-Request-Timestamp"],
            headers["X-Slack-Signature"],
            content_type,
            *more,
        )
        return head, text.encode()

    def forged_with(stamp: str, signature: str) -> tuple[list[str], bytes]:
        return _head(len(body), stamp, signature, form), body

    good = signed_headers(forged, form)
    now = good["X-Slack-Request-Timestamp"]
    return {
        "forged: stamp ²": lambda: forged_with("²", good["X-Slack-Signature"]),
        "forged: 5,000-digit stamp": lambda: forged_with("9" * 5000, good["X-Slack-Signature"]),
        "forged: non-ASCII signature": lambda: forged_with(now, "v0=é" + "0" * 63),
        "forged: wrong signature": lambda: forged_with(now, "v0=" + "0" * 64),
        "forged: invalid JSON": lambda: (
            _head(9, now, "v0=" + "0" * 64, "application/json"),
            b"{not json",
        ),
        "signed: chunked + Content-Length": lambda: signed(
            command_body("x", "U0HOST", trap_url), form, "Transfer-Encoding: chunked"
        ),
        "signed: payload={not json": lambda: signed("payload=%7Bnot+json", form),
        "signed: non-object JSON": lambda: signed("[1, 2]", "application/json"),
        "signed: command=/topic alone": lambda: signed("command=%2Ftopic", form),
        "signed: response_url not Slack": lambda: signed(
            command_body("help", "U0HOST", trap_url), form
        ),
    }


def _stalled_healthz(app: AppProcess, count: int) -> tuple[float | None, int]:
    """Open ``count`` half-sent requests, then time /healthz; (seconds or None, opened)."""
    sockets: list[socket.socket] = []
    # The client exists before the clock starts: building one costs tens of ms itself.
    with httpx.Client(timeout=10, trust_env=False) as client:
        try:
            for _ in range(count):
                sock = socket.create_connection((LOOPBACK, app.port), timeout=10)
                sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
                sockets.append(sock)
            began = time.perf_counter()
            try:
                ok = client.get(f"{app.url}/healthz").status_code == 200
            except httpx.TransportError:
                ok = False
            return (time.perf_counter() - began if ok else None), len(sockets)
        finally:
            for sock in sockets:
                sock.close()


def _trickle_cut(app: AppProcess, limit: float = 30.0) -> float | None:
    """Seconds until the server closes a request sent one byte every 100 ms."""
    payload = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 10_000
    with socket.create_connection((LOOPBACK, app.port), timeout=1) as sock:
        began = time.perf_counter()
        for byte in payload:
            if time.perf_counter() - began > limit:
                return None
            try:
                sock.send(bytes([byte]))
            except OSError:
                return time.perf_counter() - began
            time.sleep(0.1)  # the attack itself: a byte per read, each read is quick
            try:
                sock.setblocking(False)
                if sock.recv(1) == b"":
                    return time.perf_counter() - began
            except BlockingIOError:
                pass
            except OSError:
                return time.perf_counter() - began
            finally:
                sock.setblocking(True)
    return None


def run(quick: bool = False) -> Result:
    sizes = QUICK if quick else Sizes()
    result = Result("hostile")
    slack = FakeSlack("xoxb-bench-token").start()
    notion = FakeNotion("secret_bench_notion_token").start()
    database = notion.add_database("勉強会", {"名前": "title", "日付": "date"})
    trap = _Trap()
    per_shape: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        workdir = Path(tmp)
        env = app_env(slack.url, workdir, notion_url=notion.url, database_id=database.database_id)
        app = AppProcess(env, workdir)
        try:
            app.start()
            slack_calls_before = len(slack.calls)
            all_times: list[float] = []
            for name, build in _shapes(trap.url).items():
                times, statuses = [], set()
                for _ in range(sizes.rounds):
                    head, body = build()
                    took, status = _raw(app.port, head, body)
                    times.append(took)
                    statuses.add(status)
                all_times.extend(times)
                per_shape[name] = {
                    "statuses": sorted(statuses),
                    "max_ms": ms(max(times)),
                    "p50_ms": ms(percentile(times, 50)),
                }
            healthz_s, opened = _stalled_healthz(app, sizes.stalled)
            cut_s = _trickle_cut(app) if sizes.trickle else None
            healthz_after = app.alive()
            refused_lines = app.count_in_log("slack_request_refused")
            tracebacks = app.count_in_log("Traceback")
            slack_calls = len(slack.calls) - slack_calls_before
        finally:
            app.stop()
            trap.stop()
            slack.stop()
            notion.stop()

    sent = sizes.rounds * len(per_shape)
    non_4xx = sum(
        1 for shape in per_shape.values() for s in shape["statuses"] if not 400 <= s < 500
    )
    p99 = ms(percentile(all_times, 99))
    result.figures = {
        "mode": "subprocess (python -m bot run, HTTP mode)",
        "hostile_requests": sent,
        "refusal_p50_ms": ms(percentile(all_times, 50)),
        "refusal_p99_ms": p99,
        "refusal_max_ms": ms(max(all_times)),
        "shapes": per_shape,
        "non_4xx_answers": non_4xx,
        "outbound_to_trap": trap.connections,
        "slack_calls": slack_calls,
        "refused_log_lines": refused_lines,
        "tracebacks_in_log": tracebacks,
        "stalled_connections": opened,
        "healthz_ms_while_stalled": ms(healthz_s) if healthz_s is not None else None,
        "trickle_cut_after_s": round(cut_s, 2) if cut_s is not None else None,
        "app_alive_at_end": healthz_after,
    }
    result.at_most("hostile request refused p99", p99, REFUSAL_TARGET_MS, "ms")
    result.at_most(
        f"/healthz with {opened} stalled connections",
        ms(healthz_s) if healthz_s is not None else None,
        HEALTHZ_TARGET_MS,
        "ms",
    )
    if sizes.trickle:
        result.at_most("trickled request cut after", cut_s, CUT_TARGET_S, "s")
    result.zero("outbound requests caused", trap.connections + slack_calls)
    result.zero("non-4xx answers to hostile requests", non_4xx)
    result.zero("tracebacks in the log", tracebacks)
    result.summary = [
        f"{sent} hostile requests ({len(per_shape)} shapes): refused in p50 "
        f"{result.figures['refusal_p50_ms']} ms, p99 {p99} ms (target ≤ "
        f"{REFUSAL_TARGET_MS:g} ms); {refused_lines} refusal log lines, {tracebacks} "
        f"tracebacks, {trap.connections + slack_calls} outbound requests.",
        f"/healthz with {opened} stalled connections: {result.figures['healthz_ms_while_stalled']}"
        f" ms (target ≤ {HEALTHZ_TARGET_MS:g} ms)"
        + (f"; a trickled request was cut after {round(cut_s, 2)} s." if cut_s else "."),
    ]
    return result
