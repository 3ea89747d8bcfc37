"""`studybot run`: serve Slack over HTTP or Socket Mode until SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from bot.core.i18n import t
from bot.failures import Failed, Failure
from bot.jobs import Jobs
from bot.settings import Settings
from bot.slack.app import HttpServer
from bot.slack.client import make_client
from bot.store.db import DatabaseError, DatabaseInUseError, hold_sole_process, write_problem
from bot.wiring import Runtime, build_runtime, safe_lookup

log = logging.getLogger(__name__)


def health_check(runtime: Runtime) -> Callable[[], bool]:
    """/healthz: the store answers reads *and* takes a write; every topic and vote needs one."""

    def check() -> bool:
        return runtime.healthy() and write_problem(runtime.database) is None

    return check


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
    healthy = health_check(runtime)
    jobs = Jobs(
        runtime.cycle,
        runtime.repo,
        runtime.topics.cycle,
        settings.reminder_cron,
        settings.reminder_grace_delta,
        timer=settings.meeting_timer,
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
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            app_token = settings.slack_app_token.get_secret_value()
            handler = SocketModeHandler(
                runtime.app, app_token, web_client=make_client(app_token, settings.slack_api_url)
            )
            handler.connect()  # type: ignore[no-untyped-call]
            # Health only, for the container's own check: loopback is enough.
            health = HttpServer(
                runtime.app, "127.0.0.1", settings.port, healthy, accept_events=False
            )
            health.start()
            log.info("started", extra={"mode": "socket", "health_port": health.port})
            stop.wait()
            handler.close()  # type: ignore[no-untyped-call]
            health.stop()
        else:
            secret = settings.slack_signing_secret
            server = HttpServer(
                runtime.app,
                "0.0.0.0",
                settings.port,
                healthy,
                signing_secret=secret.get_secret_value() if secret is not None else None,
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
