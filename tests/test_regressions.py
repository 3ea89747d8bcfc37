"""Regression tests for defects found in review: each names what went wrong before."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.model import Presenter
from bot.settings import ConfigError, load_settings, parse_reminder
from bot.slack.client import make_client
from bot.wiring import build_runtime
from tests.conftest import Cli, CliResult
from tests.fakes import FakeSlack
from tests.slack.harness import (
    CHANNEL,
    TOKEN,
    Bot,
    Clock,
    agenda_messages,
    free_port,
    running_bot,
    settings_for,
    start_bot_process,
    wait_for,
)

JST = dt.timezone(dt.timedelta(hours=9))
MEETING = dt.date(2026, 12, 3)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    with running_bot(tmp_path, clock=clock) as running:
        yield running


class _HangUp:
    """A local server that reads each request and closes the socket without answering."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.requests: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    self.requests.append(conn.recv(65536))

    def close(self) -> None:
        self.sock.close()


@pytest.mark.slow
def test_a_post_is_not_resent_after_the_connection_drops() -> None:
    server = _HangUp()
    try:
        client = make_client("xoxb-x", server.url, timeout=3)
        with pytest.raises(Exception):  # noqa: B017 - any transport error is fine
            client.chat_postMessage(channel="C1", text="hello")
        posts = [r for r in server.requests if b"chat.postMessage" in r]
        assert len(posts) == 1
        server.requests.clear()
        with pytest.raises(Exception):  # noqa: B017
            client.users_info(user="U1")
        assert len([r for r in server.requests if b"users.info" in r]) > 1  # reads retry
    finally:
        server.close()


def test_a_failed_scheduled_publish_is_retried(bot: Bot, clock: Clock) -> None:
    topic = bot.runtime.topics.submit_text(Presenter("U1", "A"), "[blog] X https://example.com/x")
    assert topic.topic is not None
    bot.runtime.deps.cards.post(topic.topic)
    clock.now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=JST)
    bot.slack.fail_next("chat.postMessage", 1, error="internal_error")
    report = bot.runtime.cycle.scheduled_publish()  # recorded and retried, not raised
    assert report is not None and report.slack_error == "internal_error"
    clock.now = dt.datetime(2026, 12, 3, 10, 5, tzinfo=JST)
    assert bot.runtime.cycle.retry_pending()
    assert len(agenda_messages(bot.slack)) == 1


def test_a_skip_on_one_replica_reaches_the_other(tmp_path: Path, clock: Clock) -> None:
    with FakeSlack(TOKEN) as slack:
        settings = settings_for(slack, tmp_path)
        a = build_runtime(settings, clock=clock, owner="a")
        b = build_runtime(settings, clock=clock, owner="b")
        try:
            assert not b.topics.cycle.is_skipped(MEETING)
            a.cycle.skip(MEETING)
            assert b.cycle.skips is not None
            b.cycle.skips.ttl = 0  # the replica re-reads after its cache expires
            assert b.topics.cycle.is_skipped(MEETING)
            assert b.topics.coming_meeting() == dt.date(2026, 12, 10)
        finally:
            a.close()
            b.close()


def test_a_card_lost_to_a_network_error_is_posted_at_publish(
    bot: Bot, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.runtime.client.chat_postMessage

    def broken(**kwargs: Any) -> Any:
        raise ConnectionResetError("peer reset")

    monkeypatch.setattr(bot.runtime.client, "chat_postMessage", broken)
    _, url = bot.command("[blog] Saved anyway https://example.com/s")
    assert "カード投稿に失敗しました" in json.dumps(bot.replies(url), ensure_ascii=False)
    monkeypatch.setattr(bot.runtime.client, "chat_postMessage", real)
    clock.now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=JST)
    bot.runtime.cycle.publish(MEETING)
    (topic,) = bot.runtime.repo.topics_for_meeting(MEETING)
    assert topic.card_ts is not None


def test_a_long_rejected_submission_comes_back_whole(bot: Bot) -> None:
    notes = "\n".join(f"- メモ{n:02d} " + "長い説明" * 27 for n in range(29))
    text = f"[blog] Long https://example.com/l\n{notes}"
    _, url = bot.command(text)
    reply = bot.replies(url)[0]
    echoed = "".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")
    for n in range(29):
        assert f"メモ{n:02d}" in echoed
    assert all(len(b["text"]["text"]) <= 3000 for b in reply["blocks"] if b["type"] == "section")


def test_escaped_text_is_echoed_once_escaped(bot: Bot) -> None:
    _, url = bot.command("[nope] Q&amp;A &lt;b&gt; https://example.com/q")
    dumped = json.dumps(bot.replies(url), ensure_ascii=False)
    assert "Q&amp;A &lt;b&gt;" in dumped and "&amp;amp;" not in dumped


def test_two_threads_of_one_process_publish_one_message(
    bot: Bot, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot.runtime.topics.submit_text(Presenter("U1", "A"), "[blog] X https://example.com/x")
    clock.now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=JST)
    channel = bot.runtime.cycle.channel
    real = channel.find_agenda
    inside = threading.Event()
    release = threading.Event()
    entered: list[str] = []

    def held(*args: Any) -> Any:
        # The first publisher stops here, inside its lease, until the second is done.
        entered.append(threading.current_thread().name)
        if len(entered) == 1:
            inside.set()
            release.wait(60)
        return real(*args)

    monkeypatch.setattr(channel, "find_agenda", held)
    first = threading.Thread(target=bot.runtime.cycle.publish, args=(MEETING,), name="first")
    second = threading.Thread(target=bot.runtime.cycle.publish, args=(MEETING,), name="second")
    first.start()
    assert inside.wait(60)
    second.start()
    second.join(60)  # it must not need the first to finish
    release.set()
    first.join(60)
    assert not first.is_alive() and not second.is_alive()
    assert "second" not in entered  # refused at the lease, not inside it
    assert len(agenda_messages(bot.slack)) == 1


def test_skip_never_puts_one_source_twice_on_the_next_agenda(bot: Bot, clock: Clock) -> None:
    svc = bot.runtime.topics
    svc.submit_text(Presenter("U1", "A"), "[blog] X https://example.com/x")
    nxt = svc.submit_text(Presenter("U2", "B"), "[blog] X too https://example.com/x", target="next")
    assert nxt.topic is not None and nxt.topic.meeting == dt.date(2026, 12, 10)
    bot.runtime.cycle.skip(MEETING)
    urls = [t.url for t in bot.runtime.repo.topics_for_meeting(dt.date(2026, 12, 10))]
    assert urls == ["https://example.com/x"]


def test_publish_time_after_the_meeting_is_refused_at_start() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"PUBLISH_TIME": "18:00"})
    assert caught.value.lines[0].startswith("PUBLISH_TIME:")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("水 12:00", ("wed", dt.time(12, 0))),
        ("0 12 * * 3", "0 12 * * wed"),
        ("0 12 * * 0,7", "0 12 * * sun,sun"),
    ],
)
def test_reminder_weekdays_mean_what_cron_means(value: str, expected: object) -> None:
    assert parse_reminder(value) == expected


def test_an_unopenable_database_is_one_line(cli: Cli) -> None:
    proc = cli({"DATABASE_URL": "postgresql+psycopg://u:sekrit-pw@127.0.0.1:9/x"}, "preview")
    assert proc.returncode == 2
    assert proc.stderr.startswith("studybot: DATABASE_URL:") and "Traceback" not in proc.stderr
    assert "sekrit-pw" not in proc.stderr


def test_negative_content_length_is_refused_not_waited_on(bot: Bot) -> None:
    with socket.create_connection(("127.0.0.1", bot.server.port), timeout=5) as conn:
        conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
        assert b" 411 " in conn.recv(1024).split(b"\r\n")[0] + b" "


def test_a_non_numeric_timestamp_is_401_not_500(bot: Bot) -> None:
    response = bot.http.post(
        f"{bot.url}/slack/events",
        content=b"command=%2Ftopic&text=x",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": "yesterday",
            "X-Slack-Signature": "v0=00",
        },
    )
    assert response.status_code == 401


def test_an_invisible_title_is_no_title() -> None:
    from bot.core.submission import parse_submission, validate
    from bot.core.tags import TagSet

    draft = parse_submission("[その他] \u200b [ラベル](https://example.com/a)", TagSet())
    assert draft.title == "ラベル"
    blank = parse_submission("[その他] \u200b\u2060 https://example.com/a", TagSet())
    assert blank.title == ""
    assert [p.code for p in validate(blank, require_title=True)] == ["title_missing"]


def test_card_refreshes_share_one_thread(bot: Bot) -> None:
    refreshed: list[int] = []
    from bot.slack.reactions import CoalescingRefresher

    refresher = CoalescingRefresher(refreshed.append, interval=0.05)
    before = threading.active_count()
    for topic_id in range(200):
        refresher.request(topic_id)
        refresher.request(topic_id)
    assert threading.active_count() <= before + 1
    wait_for(lambda: len(refreshed) == 200)
    refresher.flush()
    assert sorted(refreshed) == list(range(200))


# ---------------------------------------------------------------- operations (#19, #13)
def _bare_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NOTION_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path}/bot.db", "LANGUAGE": "en"})
    return env


@pytest.mark.slow
def test_a_corrupt_database_file_is_one_line(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "bot.db").write_bytes(b"this is not a database, just text " * 200)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "preview"],
        cwd=tmp_path,
        env=_bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("studybot: DATABASE_URL: cannot open the database (")
    assert "file is not a database" in proc.stderr and "Traceback" not in proc.stderr
    ja = _studybot(cli, tmp_path, "preview", LANGUAGE="ja")
    assert ja.returncode == 2
    assert ja.stderr.startswith("studybot: DATABASE_URL: データベースを開けません（")
    assert "対処: DATABASE_URL と" in ja.stderr


def test_health_needs_a_database_that_takes_writes(tmp_path: Path) -> None:
    from bot.health import database_check
    from bot.store.db import Database, create_db_engine, write_problem

    path = tmp_path / "bot.db"
    with FakeSlack(TOKEN) as slack:  # no call is made: wiring only
        settings = settings_for(slack, tmp_path)
    runtime = build_runtime(settings.model_copy(update={"database_url": f"sqlite:///{path}"}))
    original = runtime.database
    read_only = Database(create_db_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))
    try:
        assert write_problem(runtime.database) is None
        check = database_check(lambda: runtime.database)
        assert check() is None
        runtime.database = read_only
        assert runtime.healthy()  # reads still work: the old /healthz said 200
        assert "readonly" in (write_problem(read_only) or "")
        assert "readonly" in (check() or "")
    finally:
        runtime.close()
        original.dispose()
    with sqlite3.connect(path) as conn:  # the probe left nothing behind
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    conn.close()


@pytest.mark.slow
def test_run_refuses_a_read_only_database_in_one_line(tmp_path: Path) -> None:
    from bot.store import open_database

    path = tmp_path / "bot.db"
    open_database(f"sqlite:///{path}").dispose()
    with FakeSlack(TOKEN) as slack:
        env = {
            **_bare_env(tmp_path),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_APP_TOKEN": "xapp-1-test",
            "SLACK_API_URL": slack.api_url,
            "STUDY_CHANNEL": CHANNEL,
            "DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true",
        }
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "studybot: DATABASE_URL: " in proc.stderr and "readonly" in proc.stderr


@pytest.mark.slow
def test_run_logs_when_each_job_runs_next_and_no_library_noise(tmp_path: Path) -> None:

    port = free_port()
    with FakeSlack(TOKEN) as slack:
        env = {
            **_bare_env(tmp_path),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "run-test-signing-secret",
            "SLACK_API_URL": slack.api_url,
            "STUDY_CHANNEL": CHANNEL,
            "PORT": str(port),
        }
        proc = start_bot_process(env, tmp_path, port, capture=True)
        try:
            proc.terminate()
            _, stderr = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, stderr
    scheduled = [line for line in stderr.splitlines() if "job_scheduled" in line]
    for job in ("studybot.publish", "studybot.reminder"):
        (line,) = [line for line in scheduled if f"job={job} " in line + " "]
        assert re.search(r"next_run=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", line), line
    for noise in (
        "As you gave client",
        "Added job",
        "Failed to send a request",
        "Scheduler started",
    ):
        assert noise not in stderr, noise


def _studybot(cli: Cli, tmp_path: Path, *args: str, **env: str) -> CliResult:
    return cli({**_bare_env(tmp_path), **env}, *args)


def test_import_without_an_agenda_fails_and_each_result_is_printed_once(
    tmp_path: Path, cli: Cli
) -> None:
    (tmp_path / "notes.txt").write_text("shopping list\n- milk\n", encoding="utf-8")
    proc = _studybot(cli, tmp_path, "import", "notes.txt", LANGUAGE="ja")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "アジェンダが 1 件も見つかりませんでした" in proc.stderr
    output = proc.stdout + proc.stderr
    assert output.count("notes.txt") == 2  # the progress line, then its one result line
    assert output.count("回の日付が見つからない") == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", "--http needs a URL"),
        ("notaurl", "is not an https:// URL"),
        ("http://bot.example.com", "is not an https:// URL"),
        ("https://bot.example.com/slack/events", "--http https://bot.example.com"),
    ],
)
def test_manifest_http_url_is_checked(tmp_path: Path, cli: Cli, url: str, expected: str) -> None:
    proc = _studybot(cli, tmp_path, "manifest", "--http", url)
    assert proc.returncode == 2 and proc.stdout == ""
    assert expected in proc.stderr


def test_manifest_http_url_accepted() -> None:
    from bot.cli.getting_started import manifest_url_problem as _manifest_url_problem

    for url in ("https://bot.example.com", "https://bot.example.com/studybot/"):
        assert _manifest_url_problem(url, "en") is None


def test_preview_date_must_be_a_meeting_day(tmp_path: Path, cli: Cli) -> None:
    proc = _studybot(cli, tmp_path, "preview", "--date", "2026-12-02", SKIP_JP_HOLIDAYS="false")
    assert proc.returncode == 2
    assert "2026-12-02 is not a meeting day (thu); the coming meeting days: " in proc.stderr
    ok = _studybot(cli, tmp_path, "preview", "--date", "2026-12-03", SKIP_JP_HOLIDAYS="false")
    assert ok.returncode == 0, ok.stderr
