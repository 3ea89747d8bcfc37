"""`studybot run`: serve Slack over HTTP or Socket Mode until SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Protocol

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers, send_response
from slack_bolt.request import BoltRequest
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web import SlackResponse

from bot.core.i18n import t
from bot.failures import Failed, Failure
from bot.health import PING_INTERVAL, AuthCheck, Check, Readiness, SocketLink, alive, database_check
from bot.jobs import Jobs
from bot.settings import Settings
from bot.slack.app import DispatchObserver, HttpServer, Route
from bot.slack.client import make_client
from bot.store.db import DatabaseError, DatabaseInUseError, hold_sole_process, write_problem
from bot.wiring import Runtime, build_runtime, safe_lookup

log = logging.getLogger(__name__)


def readiness(runtime: Runtime, jobs: Jobs, slack: Check) -> Readiness:
    """/readyz: the database takes a write, the scheduler runs, Slack is reachable."""

    def scheduler() -> str | None:
        return None if jobs.scheduler.running else "scheduler not running"

    return Readiness(
        {
            "database": database_check(lambda: runtime.database),
            "scheduler": scheduler,
            "slack": slack,
        }
    )


def probe_routes(runtime: Runtime, ready: Readiness) -> dict[str, Route]:
    """/readyz always; /metrics unless METRICS=false."""
    routes: dict[str, Route] = {"/readyz": ready.route}
    if runtime.metrics.enabled:
        routes["/metrics"] = runtime.metrics.route
    return routes


def connect_socket(handler: _Connectable, stop: threading.Event, retry: float) -> None:
    """Connect Socket Mode, retrying until it works or we stop; once the first attempt
    got as far as the WebSocket handshake, the SDK's own monitor keeps reconnecting."""
    while not stop.is_set():
        try:
            handler.connect()
            return
        except Exception as error:  # apps.connections.open refused or unreachable
            # Slack's error code (invalid_auth: a wrong SLACK_APP_TOKEN) names the fix.
            response = getattr(error, "response", None)
            code = response.get("error") if isinstance(response, SlackResponse) else None
            log.warning("socket_mode_connect_failed", extra={"error": code or type(error).__name__})
            stop.wait(retry)


class _Connectable(Protocol):
    def connect(self) -> None: ...


def log_schedule(jobs: Jobs) -> None:
    """When each job runs next, so the log answers "when is the next reminder?"."""
    for job in jobs.scheduler.get_jobs():
        when = job.next_run_time
        log.info(
            "job_scheduled", extra={"job": job.id, "next_run": when.isoformat() if when else None}
        )


def run(settings: Settings) -> int:
    # Before anything touches the file: a second server on one SQLite file would fight
    # the first for SQLite's lock (the in-process writer lock cannot order them).
    try:
        sole = hold_sole_process(settings.database_url)
    except DatabaseInUseError as error:
        lang = settings.language
        database = error.lock_path.with_suffix("")
        problem = t(lang, "db_in_use", database=database, pid=error.holder or "?")
        raise Failed(Failure(problem, t(lang, "db_in_use_fix"))) from None
    try:
        return _serve(settings)
    finally:
        if sole is not None:
            sole.close()


def _serve(settings: Settings) -> int:
    runtime = build_runtime(settings, lookup=safe_lookup)
    problem = write_problem(runtime.database)
    if problem is not None:
        runtime.close()
        raise DatabaseError("db_read_only", problem)
    jobs = Jobs(
        runtime.cycle,
        runtime.repo,
        runtime.topics.cycle,
        settings.reminder_cron,
        settings.reminder_grace_delta,
        timer=settings.meeting_timer,
        metrics=runtime.metrics,
    )
    stop = threading.Event()
    try:
        runtime.recover_cards()
    except Exception:  # Slack trouble at start must not keep the bot down; publish retries
        log.exception("card_recovery_failed")

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("shutdown_requested", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    jobs.start()
    log_schedule(jobs)
    try:
        if settings.socket_mode and settings.slack_app_token is not None:
            socket_mode = SocketModeServer(runtime, jobs, settings)
            socket_mode.start()
            log.info("started", extra={"mode": "socket", "health_port": socket_mode.port})
            stop.wait()
            socket_mode.stop()
        else:
            secret = settings.slack_signing_secret
            ready = readiness(runtime, jobs, AuthCheck(runtime.client.auth_test).problem)
            server = HttpServer(
                runtime.app,
                "0.0.0.0",
                settings.port,
                alive,
                signing_secret=secret.get_secret_value() if secret is not None else None,
                routes=probe_routes(runtime, ready),
                on_dispatch=runtime.metrics.dispatched if runtime.metrics.enabled else None,
            )
            server.start()
            log.info("started", extra={"mode": "http", "port": server.port})
            stop.wait()
            server.stop()
    finally:
        jobs.shutdown()
        runtime.close()
        log.info("stopped")
    return 0


class SocketModeServer:
    """Socket Mode plus the probe port: the port answers at once, /readyz is 503 until
    the WebSocket is up and again soon after it is lost (the SDK keeps reconnecting)."""

    def __init__(
        self,
        runtime: Runtime,
        jobs: Jobs,
        settings: Settings,
        *,
        ping_interval: float = PING_INTERVAL,
        host: str = "0.0.0.0",
        port: int | None = None,
    ) -> None:
        token = settings.slack_app_token
        if token is None:
            raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
        app_token = token.get_secret_value()
        self.handler = TimedSocketModeHandler(
            runtime.app,
            app_token,
            web_client=make_client(app_token, settings.slack_api_url),
            # Bolt's default of 10 s would notice a silent socket only after 40 s.
            ping_interval=ping_interval,
        )
        if runtime.metrics.enabled:
            self.handler.on_dispatch = runtime.metrics.dispatched
        self.ping_interval = ping_interval
        link = SocketLink(self.handler.client, ping_interval=ping_interval)  # type: ignore[arg-type]
        self.readiness = readiness(runtime, jobs, link.problem)
        # No events over HTTP in Socket Mode: only the probes. All interfaces by default,
        # so an orchestrator's probe (not only the container's own check) reaches them.
        self.http = HttpServer(
            runtime.app,
            host,
            settings.port if port is None else port,
            alive,
            accept_events=False,
            routes=probe_routes(runtime, self.readiness),
        )
        self._stop = threading.Event()
        self._connector = threading.Thread(
            target=connect_socket,
            args=(self.handler, self._stop, ping_interval),
            name="socket-connect",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return self.http.port

    def start(self) -> None:
        self.http.start()
        self._connector.start()

    def stop(self) -> None:
        self._stop.set()
        self._connector.join(timeout=30)
        self.handler.close()  # type: ignore[no-untyped-call]
        self.http.stop()


class TimedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, telling ``on_dispatch`` how long each ack took."""

    on_dispatch: DispatchObserver | None = None

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        start = time.time()
        request = BoltRequest(mode="socket_mode", body=req.payload, headers=build_headers(req))
        response = self.app.dispatch(request)
        if self.on_dispatch is not None:
            self.on_dispatch(request, response, time.time() - start)
        send_response(client, req, response, start)
