"""Run the real app over HTTP against the fake Slack, and send it signed requests."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.settings import Settings, load_settings
from bot.slack.agenda import EVENT_TYPE as AGENDA_EVENT
from bot.slack.app import HttpServer
from bot.wiring import Runtime, build_runtime
from tests.conftest import migrated_sqlite
from tests.fakes import FakeSlack

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret-0123456789"
CHANNEL = "C0STUDY001"
T = TypeVar("T")
JST = dt.timezone(dt.timedelta(hours=9))


class Clock:
    """A settable clock for the whole app (services, repository, scheduler steps)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST)

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = dt.datetime.fromisoformat(text)


def wait_for(check: Callable[[], T], timeout: float = 5.0) -> T:
    """Poll until ``check`` returns something truthy (listeners run after the ack)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@dataclass
class Bot:
    """A running app, its fake Slack and a signed-request client."""

    slack: FakeSlack
    runtime: Runtime
    server: HttpServer
    http: httpx.Client

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        return self.http.post(
            f"{self.url}/slack/events", content=body.encode(), headers=all_headers
        )

    def command(self, text: str, user: str = "U04SHUN", **kw: Any) -> tuple[httpx.Response, str]:
        response_url = self.slack.response_url()
        form = {
            "token": "legacy",
            "team_id": self.slack.team_id,
            "team_domain": self.slack.team_domain,
            "channel_id": CHANNEL,
            "channel_name": "ml-study",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/topic",
            "text": text,
            "api_app_id": self.slack.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"trigger.{uuid.uuid4().hex}",
        }
        body = urlencode(form)
        return self.post(body, "application/x-www-form-urlencoded", **kw), response_url

    def interactive(self, payload: dict[str, Any], **kw: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def event(
        self, event: dict[str, Any], event_id: str | None = None, **kw: Any
    ) -> httpx.Response:
        envelope = {
            "token": "legacy",
            "team_id": self.slack.team_id,
            "api_app_id": self.slack.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
            "event_time": int(time.time()),
        }
        return self.post(json.dumps(envelope), "application/json", **kw)

    def replies(self, response_url: str) -> list[Any]:
        return wait_for(lambda: self.slack.responses_to(response_url))


def agenda_messages(slack: FakeSlack, channel: str = CHANNEL) -> list[dict[str, Any]]:
    """The agenda messages in the channel (topic cards carry metadata of their own)."""
    return [
        m
        for m in slack.messages.get(channel, [])
        if (m.get("metadata") or {}).get("event_type") == AGENDA_EVENT
    ]


def settings_for(slack: FakeSlack, tmp: Path, **extra: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"{slack.url}/api/",
        "STUDY_CHANNEL": CHANNEL,
        "DATABASE_URL": f"sqlite:///{tmp}/bot.db",
        "SKIP_JP_HOLIDAYS": "false",
        **extra,
    }
    return load_settings(env)


@contextmanager
def running_bot(
    tmp: Path,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    slack: FakeSlack | None = None,
    notion: Callable[[Any], Any] | None = None,
    lookup: Callable[[Any], Any] | None = None,
    owner: str | None = None,
    card_refresh_interval: float | None = None,
    **extra: str,
) -> Iterator[Bot]:
    fake = slack or FakeSlack(TOKEN)
    with fake:
        for user, name in (("U04SHUN", "Shun Ito"), ("U01NAOTO", "Naoto Shimakoshi")):
            fake.add_user(user, name, real_name=name, email=f"{user.lower()}@example.com")
        if "DATABASE_URL" not in extra and not (tmp / "bot.db").exists():
            migrated_sqlite(tmp / "bot.db")  # the default URL's file, at the head revision
        settings = settings_for(fake, tmp, **extra)
        kwargs: dict[str, Any] = {"clock": clock} if clock else {}
        if notion is not None:
            kwargs["notion"] = notion
        if lookup is not None:
            kwargs["lookup"] = lookup
        if card_refresh_interval is not None:
            kwargs["card_refresh_interval"] = card_refresh_interval
        runtime = build_runtime(settings, owner=owner, **kwargs)
        runtime.recover_cards()  # as `studybot run` does on start
        secret = settings.slack_signing_secret
        server = HttpServer(
            runtime.app,
            "127.0.0.1",
            0,
            runtime.healthy,
            signing_secret=secret.get_secret_value() if secret is not None else None,
        )
        server.start()
        try:
            with httpx.Client(timeout=10) as http:
                yield Bot(fake, runtime, server, http)
        finally:
            server.stop()
            runtime.close()


def free_port() -> int:
    """A loopback port nobody listens on (closed again: connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_bot_process(
    env: dict[str, str], cwd: Path, port: int, *, capture: bool = False
) -> subprocess.Popen[str]:
    """`studybot run` as a real process, returned once its /healthz answers 200.

    With ``capture`` its stdout and stderr are pipes for ``communicate()``; the caller
    stops the process (and kills it in a ``finally``).
    """
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=cwd, env=env, stdout=out, stderr=out, text=True
    )

    def serving() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the bot exited: {proc.communicate() if capture else ''}")
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(serving, timeout=120)  # starting alone takes seconds on a loaded machine
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return proc
