"""/healthz (alive) and /readyz (database writes, scheduler, Slack reachable) (#18)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.health import PING_INTERVAL, AuthCheck, SocketLink
from bot.jobs import Jobs
from bot.run import SocketModeServer, readiness
from bot.settings import Settings
from bot.slack.app import HttpServer
from bot.store.db import Database, create_db_engine
from bot.wiring import Runtime, build_runtime
from tests.fakes import FakeSlack
from tests.fakes.socket_mode import FakeSocketMode
from tests.slack.harness import SECRET, TOKEN, settings_for, wait_for

APP_TOKEN = "xapp-1-A0FAKE0001-1-health"
WAIT = 90.0  # generous: the machine is loaded; the bound itself is checked by design below


def _jobs(runtime: Runtime, settings: Settings) -> Jobs:
    return Jobs(
        runtime.cycle,
        runtime.repo,
        runtime.topics.cycle,
        settings.reminder_cron,
        settings.reminder_grace_delta,
    )


@dataclass
class Probe:
    base: str

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", timeout=10)

    def ready(self) -> int:
        return self.get("/readyz").status_code


@contextmanager
def socket_mode(tmp_path: Path, ws: FakeSocketMode) -> Iterator[Probe]:
    with FakeSlack(TOKEN) as slack:
        slack.app_tokens.add(APP_TOKEN)
        slack.socket_url = ws.url
        settings = settings_for(slack, tmp_path, SLACK_APP_TOKEN=APP_TOKEN)
        runtime = build_runtime(settings)
        jobs = _jobs(runtime, settings)
        jobs.start()
        server = SocketModeServer(
            runtime, jobs, settings, ping_interval=0.2, host="127.0.0.1", port=0
        )
        server.start()
        try:
            yield Probe(f"http://127.0.0.1:{server.port}")
        finally:
            server.stop()
            jobs.shutdown()
            runtime.close()


# slack_sdk's built-in client leaves the socket of a refused handshake to the garbage
# collector (connection.py: a non-101 answer is logged, the socket never closed).
_SDK_SOCKET_LEAK = pytest.mark.filterwarnings(
    "ignore:Exception ignored in.*socket:pytest.PytestUnraisableExceptionWarning"
)


@pytest.mark.slow
@_SDK_SOCKET_LEAK
def test_socket_mode_readyz_follows_the_websocket(tmp_path: Path) -> None:
    with FakeSocketMode(accepting=False) as ws, socket_mode(tmp_path, ws) as probe:
        # The port answers at once, whatever Slack does; alive is not ready.
        assert probe.get("/healthz").status_code == 200
        wait_for(lambda: ws.handshakes >= 1, timeout=WAIT)  # refused at least once
        answer = probe.get("/readyz")
        assert answer.status_code == 503
        checks = answer.json()["checks"]
        assert checks["slack"] == "socket mode not connected"
        assert checks["database"] == "ok" and checks["scheduler"] == "ok"
        assert probe.get("/healthz").status_code == 200

        ws.accepting = True  # the SDK retries on its own; the next handshake succeeds
        wait_for(lambda: probe.ready() == 200, timeout=WAIT)
        wait_for(lambda: ws.pings >= 2, timeout=WAIT)  # pings answered: still ready
        assert probe.ready() == 200

        ws.accepting = False
        ws.drop_all()  # gone for good: no close frame, no new handshake accepted
        wait_for(lambda: probe.ready() == 503, timeout=WAIT)
        assert probe.get("/readyz").json()["checks"]["slack"] != "ok"
        assert probe.get("/healthz").status_code == 200


@pytest.mark.slow
def test_socket_mode_apps_connections_open_refused_is_not_ready(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeSocketMode() as ws, FakeSlack(TOKEN) as slack:
        # No app token registered: apps.connections.open answers invalid_auth, every try.
        slack.socket_url = ws.url
        settings = settings_for(slack, tmp_path, SLACK_APP_TOKEN=APP_TOKEN)
        runtime = build_runtime(settings)
        jobs = _jobs(runtime, settings)
        jobs.start()
        server = SocketModeServer(
            runtime, jobs, settings, ping_interval=0.2, host="127.0.0.1", port=0
        )
        server.start()
        try:
            probe = Probe(f"http://127.0.0.1:{server.port}")
            opened = lambda: len(slack.calls_to("apps.connections.open")) >= 2  # noqa: E731
            wait_for(opened, timeout=WAIT)  # retried, not given up, not crashed
            assert probe.get("/healthz").status_code == 200
            assert probe.ready() == 503
            assert ws.handshakes == 0
            refused = [r for r in caplog.records if r.getMessage() == "socket_mode_connect_failed"]
            assert refused and refused[0].error == "invalid_auth"  # type: ignore[attr-defined]
            assert APP_TOKEN not in caplog.text
        finally:
            server.stop()
            jobs.shutdown()
            runtime.close()


class _Session:
    session_id = "s1"

    def __init__(self) -> None:
        self.last_ping_pong_time: float | None = None
        self.active = True

    def is_active(self) -> bool:
        return self.active


class _Client:
    def __init__(self, session: _Session | None) -> None:
        self.current_session = session

    def is_connected(self) -> bool:
        return self.current_session is not None and self.current_session.is_active()


def test_a_silent_socket_is_lost_within_15_seconds_of_its_last_pong() -> None:
    now = [1000.0]
    session = _Session()
    link = SocketLink(_Client(session), clock=lambda: now[0])  # production ping interval
    assert link.problem() is None  # just connected, first pong on its way
    session.last_ping_pong_time = 1000.0
    now[0] = 1000.0 + 2 * PING_INTERVAL - 0.5  # one pong missed: still fine
    assert link.problem() is None
    now[0] = 1000.0 + 2 * PING_INTERVAL + 0.5
    assert (link.problem() or "").startswith("socket mode silent for ")
    # The promise of the issue: 503 within 15 s of the last sign of life.
    assert 2 * PING_INTERVAL < 15
    session.active = False
    assert link.problem() == "socket mode not connected"
    assert SocketLink(_Client(None)).problem() == "socket mode not connected"


def test_a_connection_that_never_pongs_is_not_ready_for_long() -> None:
    now = [0.0]
    link = SocketLink(_Client(_Session()), clock=lambda: now[0])
    assert link.problem() is None
    now[0] = 2 * PING_INTERVAL + 1
    assert link.problem() is not None


@contextmanager
def http_mode(tmp_path: Path, slack: FakeSlack) -> Iterator[tuple[Probe, Runtime, Jobs]]:
    settings = settings_for(slack, tmp_path)
    runtime = build_runtime(settings)
    jobs = _jobs(runtime, settings)
    jobs.start()
    ready = readiness(runtime, jobs, AuthCheck(runtime.client.auth_test, ttl=0).problem)
    server = HttpServer(
        runtime.app,
        "127.0.0.1",
        0,
        lambda: True,
        signing_secret=SECRET,
        routes={"/readyz": ready.route},
    )
    server.start()
    try:
        yield Probe(f"http://127.0.0.1:{server.port}"), runtime, jobs
    finally:
        server.stop()
        jobs.shutdown()
        runtime.close()


@pytest.mark.slow
def test_read_only_database_is_not_ready_and_named(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    with FakeSlack(TOKEN) as slack, http_mode(tmp_path, slack) as (probe, runtime, _):
        assert probe.ready() == 200
        original = runtime.database
        runtime.database = Database(create_db_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))
        try:
            answer = probe.get("/readyz")
            assert answer.status_code == 503
            checks = answer.json()["checks"]
            assert checks["database"].startswith("database does not accept writes: ")
            assert "readonly" in checks["database"]
            assert checks["slack"] == "ok" and checks["scheduler"] == "ok"
            assert probe.get("/healthz").status_code == 200
        finally:
            runtime.database.dispose()
            runtime.database = original
        assert probe.ready() == 200
    with sqlite3.connect(path) as conn:  # the probe left nothing behind
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    conn.close()


@pytest.mark.slow
def test_http_mode_revoked_token_and_stopped_scheduler_are_not_ready(tmp_path: Path) -> None:
    with FakeSlack(TOKEN) as slack, http_mode(tmp_path, slack) as (probe, _, jobs):
        assert probe.ready() == 200
        slack.revoke_token()
        answer = probe.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"]["slack"] == "slack web api unreachable (SlackApiError)"
        assert TOKEN not in answer.text
        slack.token_state = None
        assert probe.ready() == 200
        jobs.shutdown()
        answer = probe.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"]["scheduler"] == "scheduler not running"


def test_auth_check_is_cached_between_probes() -> None:
    calls: list[int] = []
    now = [0.0]
    check = AuthCheck(lambda: calls.append(1), ttl=30, clock=lambda: now[0])
    assert check.problem() is None and check.problem() is None
    assert len(calls) == 1
    now[0] = 31.0
    assert check.problem() is None
    assert len(calls) == 2
    check.seen()  # any successful Web API call counts
    now[0] = 50.0
    assert check.problem() is None and len(calls) == 2


@pytest.mark.parametrize("path", ["/metricz", "/readyz/x"])
def test_unknown_paths_stay_404(tmp_path: Path, path: str) -> None:
    with FakeSlack(TOKEN) as slack, http_mode(tmp_path, slack) as (probe, _, _jobs):
        assert probe.get(path).status_code == 404


@pytest.mark.slow
def test_studybot_run_socket_mode_serves_probes_before_slack_connects(tmp_path: Path) -> None:
    """The whole `studybot run`: the port answers while the handshake is refused."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with FakeSocketMode(accepting=False) as ws, FakeSlack(TOKEN) as slack:
        slack.app_tokens.add(APP_TOKEN)
        slack.socket_url = ws.url
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NOTION_"))},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": slack.api_url,
            "STUDY_CHANNEL": "C0STUDY001",
            "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
            "PORT": str(port),
            "LANGUAGE": "en",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        probe = Probe(f"http://127.0.0.1:{port}")
        try:

            def answering() -> bool:
                assert proc.poll() is None, proc.communicate()
                try:
                    return probe.get("/healthz").status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(answering, timeout=WAIT)
            wait_for(lambda: ws.handshakes >= 1, timeout=WAIT)
            assert probe.ready() == 503
            assert probe.get("/metrics").status_code == 200
            ws.accepting = True
            wait_for(lambda: probe.ready() == 200, timeout=WAIT)
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, stderr
    assert APP_TOKEN not in stderr and TOKEN not in stderr
