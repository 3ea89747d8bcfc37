"""Shared plumbing of the benchmarks: results, the app as a subprocess, signed requests.

Everything here talks to loopback only: the app listens on a free local port, the fake
Slack and Notion servers bind 127.0.0.1, and every loop is bounded by a count or a
deadline.
"""

from __future__ import annotations

import cProfile
import json
import math
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

REPO_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-bench-token"
SECRET = "bench-signing-secret-0123456789"
NOTION_TOKEN = "secret_bench_notion_token"
CHANNEL = "C0BENCH001"
LOOPBACK = "127.0.0.1"

T = TypeVar("T")


# -- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One figure measured against its target."""

    bench: str
    figure: str
    value: float | None
    unit: str
    target: str
    ok: bool | None  # None: could not be measured

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        value = float(self.value)
        if value.is_integer():
            text = str(int(value))
        elif abs(value) >= 100:
            text = f"{value:.0f}"
        else:
            text = f"{value:.3g}"
        return f"{text} {self.unit}".strip()


@dataclass
class Result:
    """What one benchmark measured: a JSON-able dict of figures, checks and a summary."""

    bench: str
    figures: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    status: str = "ok"

    def at_most(self, figure: str, value: float | None, limit: float, unit: str = "") -> None:
        ok = None if value is None else value <= limit
        self.checks.append(Check(self.bench, figure, value, unit, f"≤ {limit:g} {unit}", ok))

    def at_least(self, figure: str, value: float | None, limit: float, unit: str = "") -> None:
        ok = None if value is None else value >= limit
        self.checks.append(Check(self.bench, figure, value, unit, f"≥ {limit:g} {unit}", ok))

    def zero(self, figure: str, value: int | None) -> None:
        ok = None if value is None else value == 0
        self.checks.append(Check(self.bench, figure, value, "", "0", ok))

    def json_line(self) -> str:
        payload = {"bench": self.bench, **({"status": self.status} if self.status != "ok" else {})}
        payload.update(self.figures)
        return json.dumps(payload, ensure_ascii=False, sort_keys=False, default=str)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000.0, 1)


def wait_until(check: Callable[[], T], timeout: float, interval: float = 0.02) -> T | None:
    """Poll ``check`` until it returns something truthy, or None after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def fan_out(
    jobs: Iterable[Callable[[httpx.Client], T]], concurrency: int, timeout: float = 30.0
) -> list[T]:
    """Run each job with a per-thread keep-alive client, ``concurrency`` at a time."""
    local = threading.local()
    clients: list[httpx.Client] = []
    lock = threading.Lock()

    def client() -> httpx.Client:
        found = getattr(local, "client", None)
        if found is None:
            found = httpx.Client(timeout=timeout, trust_env=False)
            local.client = found
            with lock:
                clients.append(found)
        return found

    def call(job: Callable[[httpx.Client], T]) -> T:
        return job(client())

    try:
        with ThreadPoolExecutor(concurrency, thread_name_prefix="bench-client") as pool:
            futures = [pool.submit(call, job) for job in jobs]
            return [f.result() for f in futures]
    finally:
        for item in clients:
            item.close()


# -- signed Slack requests ------------------------------------------------------------


def signed_headers(
    body: str,
    content_type: str,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        **(extra or {}),
    }


def command_body(text: str, user: str, response_url: str, team_id: str = "T0FAKE0001") -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": team_id,
            "team_domain": "studybot-test",
            "channel_id": CHANNEL,
            "channel_name": "ml-study",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/topic",
            "text": text,
            "api_app_id": "A0FAKE0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"trigger.{uuid.uuid4().hex}",
        }
    )


def reaction_event(
    *,
    channel: str,
    ts: str,
    user: str,
    item_user: str,
    emoji: str = "+1",
    added: bool = True,
    n: int = 0,
) -> dict[str, Any]:
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": emoji,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{1_700_000_000 + n}.{n % 1_000_000:06d}",
    }


def event_body(event: dict[str, Any], event_id: str, team_id: str = "T0FAKE0001") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team_id,
            "api_app_id": "A0FAKE0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
        }
    )


# -- the real app as a subprocess -------------------------------------------------------

_SETTINGS_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "STUDY_CHANNEL",
    "NOTION_TOKEN",
    "NOTION_DATABASE_ID",
    "NOTION_PARENT_PAGE_ID",
    "NOTION_API_URL",
    "NOTION_DATE_PROPERTY",
    "DATABASE_URL",
    "TIMEZONE",
    "MEETING_WEEKDAY",
    "MEETING_TIME",
    "PUBLISH_TIME",
    "REMINDER_CRON",
    "GROUP_NAME",
    "LANGUAGE",
    "PORT",
    "VOTE_EMOJIS",
    "ORGANIZERS",
    "ROSTER",
    "SKIP_DATES",
    "SKIP_JP_HOLIDAYS",
    "REMINDER_GRACE",
    "STRICT_PAPER_LINKS",
    "LOG_FORMAT",
)


def app_env(
    slack_url: str, workdir: Path, *, notion_url: str, database_id: str, **extra: str
) -> dict[str, str]:
    """The environment of `studybot run`: inherited variables of the bot are dropped."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS_VARS}
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(proxy, None)
    env.update(
        {
            "PYTHONPATH": str(REPO_ROOT),
            "NO_PROXY": "*",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack_url}/api/",
            "STUDY_CHANNEL": CHANNEL,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "NOTION_TOKEN": NOTION_TOKEN,
            "NOTION_DATABASE_ID": database_id,
            "NOTION_API_URL": notion_url,
        }
    )
    env.update(extra)
    return env


class AppProcess:
    """`python -m bot run` in HTTP mode on a free loopback port, logs to a file."""

    def __init__(
        self, env: dict[str, str], workdir: Path, module: Sequence[str] = ("bot", "run")
    ) -> None:
        self.module = tuple(module)  # what `python -m` runs: the bot, or the floor app
        self.env = dict(env)
        self.workdir = workdir
        self.port = free_port()
        self.env["PORT"] = str(self.port)
        self.log_path = workdir / f"app-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_ms: float | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30.0) -> float:
        """Start the process; milliseconds from spawn to the first ``/healthz`` 200."""
        with open(self.log_path, "ab") as log:
            began = time.perf_counter()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", *self.module],
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"studybot run exited early:\n{self.log_tail()}")
                try:
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        self.started_ms = ms(time.perf_counter() - began)
                        return self.started_ms
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
        self.kill()
        raise RuntimeError(f"studybot run not healthy in {timeout:g}s:\n{self.log_tail()}")

    def memory_kb(self) -> dict[str, int]:
        """VmHWM (peak) and VmRSS in kB, and Threads, from /proc/<pid>/status."""
        found: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmHWM", "VmRSS", "Threads"):
                found[name] = int(rest.split()[0])
        return found

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, as a deploy does; SIGKILL if it does not stop in time."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def count_in_log(self, needle: str) -> int:
        try:
            return self.log_path.read_text(errors="replace").count(needle)
        except OSError:
            return 0


@contextmanager
def running_app(env: dict[str, str], workdir: Path) -> Iterator[AppProcess]:
    app = AppProcess(env, workdir)
    app.start()
    try:
        yield app
    finally:
        app.stop()


def db_scalar(path: Path, query: str, params: Sequence[Any] = ()) -> int:
    """One integer from the app's SQLite file, read-only (the app keeps running)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)
    try:
        row = conn.execute(query, tuple(params)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0
    finally:
        conn.close()


def db_rows(path: Path, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)
    try:
        return list(conn.execute(query, tuple(params)).fetchall())
    finally:
        conn.close()


# -- a counting loopback web server -----------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What a path answers: status, body, headers, after ``delay`` seconds."""

    body: bytes = b""
    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    delay: float = 0.0


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 30 simultaneous connects must not overflow the backlog

    def __init__(self, owner: LoopbackServer) -> None:
        self.owner = owner
        super().__init__((LOOPBACK, 0), _PageHandler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.owner.lock:
            self.owner.connections += 1
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that gave up is not the server's problem


class _PageHandler(BaseHTTPRequestHandler):
    server: _CountingServer

    def do_GET(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.requests.append(self.path)
        page = owner.pages.get(self.path.split("?", 1)[0], Page(b"not found", 404))
        if page.delay:
            owner.stopping.wait(page.delay)
        self.send_response(page.status)
        for name, value in page.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)

    def log_message(self, format: str, *args: Any) -> None:
        return


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 that counts every accepted connection."""

    def __init__(self, pages: dict[str, Page] | None = None) -> None:
        self.pages: dict[str, Page] = dict(pages or {})
        self.connections = 0
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _CountingServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def print_profile(profile: cProfile.Profile, top: int) -> None:
    """Print a cProfile run twice: by cumulative time, then by own time (the profilers)."""
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())
