"""`studybot run`: serve Slack over HTTP or Socket Mode until SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from bot.jobs import Jobs
from bot.settings import Settings
from bot.slack.app import HttpServer
from bot.slack.client import make_client
from bot.wiring import build_runtime, safe_lookup

log = logging.getLogger(__name__)


def run(settings: Settings) -> int:
    runtime = build_runtime(settings, lookup=safe_lookup)
    jobs = Jobs(
        runtime.cycle,
        runtime.repo,
        runtime.topics.cycle,
        settings.reminder_cron,
        settings.reminder_grace_delta,
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
                runtime.app, "127.0.0.1", settings.port, runtime.healthy, accept_events=False
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
                runtime.healthy,
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
