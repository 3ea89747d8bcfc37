"""The floor: a bare Bolt app whose listeners only ack, behind studybot's own HTTP server.

`python -m bench.floor_app` reads PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and
SLACK_API_URL like `studybot run` and serves the same path with the same server class
(`bot.slack.app.HttpServer`: signature check, limits, 32 listener threads), so what
studybot adds on top of Bolt is the only difference between the two processes. The
benchmark `floors` sends both the same signed requests and reports studybot's figures
as ratios to this one's.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.app import HttpServer, listener_pool


def floor_app(token: str, signing_secret: str, api_url: str) -> App:
    """Bolt with ack-only listeners for what the benchmark sends."""
    client = WebClient(token=token, base_url=api_url)
    app = App(
        listener_executor=listener_pool(),
        signing_secret=signing_secret,
        client=client,
        token_verification_enabled=False,
    )

    def ack_only(ack: Any) -> None:
        ack()

    app.command("/topic")(ack_only)
    app.event("reaction_added")(ack_only)
    app.event("reaction_removed")(ack_only)
    return app


def main() -> int:
    secret = os.environ["SLACK_SIGNING_SECRET"]
    app = floor_app(os.environ["SLACK_BOT_TOKEN"], secret, os.environ["SLACK_API_URL"])
    server = HttpServer(
        app, "127.0.0.1", int(os.environ["PORT"]), lambda: True, signing_secret=secret
    )
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
