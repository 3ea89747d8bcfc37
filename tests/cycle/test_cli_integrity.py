"""The operator's commands after a crash and on a skipped week, as real processes run them."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import bot.logs
from bot.__main__ import main
from bot.core.agenda import compile_agenda
from bot.core.model import Presenter
from bot.core.weeks import upcoming_meeting
from bot.services.cycle import LEASE_TTL
from bot.settings import load_settings
from bot.store import Repository, open_database
from bot.wiring import build_runtime
from tests.cycle.test_cli import CONTRACT_PREFIXES
from tests.fakes import FakeNotion, FakeSlack
from tests.fakes._http import HttpReply, HttpRequest
from tests.notion.helpers import assert_page_is
from tests.slack.harness import CHANNEL, TOKEN, agenda_messages

NOTION_TOKEN = "secret_fake_notion_token"


class HoldingNotion(FakeNotion):
    """Holds the first block append until ``released``; that request then never lands
    (its process was killed while waiting for the answer)."""

    def __init__(self) -> None:
        super().__init__(NOTION_TOKEN, rate_per_second=None)
        self.entered = threading.Event()
        self.released = threading.Event()
        self._held = False

    def handle(self, request: HttpRequest) -> HttpReply:
        if request.method == "PATCH" and request.path.endswith("/children") and not self._held:
            self._held = True
            self.entered.set()
            self.released.wait(120)
            return HttpReply.json({"object": "error", "status": 503}, status=503)
        return super().handle(request)


def contract_env(slack: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(CONTRACT_PREFIXES)},
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": f"{slack.url}/api/",
        "STUDY_CHANNEL": CHANNEL,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "SKIP_JP_HOLIDAYS": "false",
        **extra,
    }


def run_in_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    *args: str,
) -> tuple[int, str]:
    """``studybot ARGS`` in this process (a second interpreter costs seconds here)."""
    with monkeypatch.context() as m:
        for key in list(os.environ):
            if key.startswith(CONTRACT_PREFIXES):
                m.delenv(key)
        for key, value in env.items():
            m.setenv(key, value)
        m.setattr(bot.logs, "setup_logging", lambda *a, **k: None)
        capsys.readouterr()
        code = main(list(args))
        return code, capsys.readouterr().out


def seed(env: dict[str, str], count: int) -> dt.date:
    runtime = build_runtime(load_settings(env))
    try:
        for n in range(count):
            notes = "\n".join(
                [f"- 要点 {n}-{k} " + "あ" * 30 for k in range(3)]
                + [f"  - 詳細 {n} [リンク](https://example.com/d/{n})"]
            )
            outcome = runtime.topics.submit_text(
                Presenter(f"UM{n % 7:03d}", f"Member {n % 7}"),
                f"[blog] Topic number {n} https://example.com/t/{n}\n{notes}",
            )
            assert outcome.topic is not None, outcome.problems
        return upcoming_meeting(dt.datetime.now(dt.UTC), runtime.topics.cycle)
    finally:
        runtime.close()


# -- #19.2: SIGKILL while Notion holds an append, then `studybot publish` at once ----


@pytest.mark.slow
def test_publish_right_after_a_killed_publish_finishes_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeSlack(TOKEN) as slack, HoldingNotion() as notion:
        ref = notion.add_database("勉強会アジェンダ", {"名前": "title", "開催日": "date"})
        env = contract_env(
            slack,
            tmp_path,
            NOTION_TOKEN=NOTION_TOKEN,
            NOTION_API_URL=notion.url,
            NOTION_DATABASE_ID=ref.database_id,
        )
        meeting = seed(env, 40)
        dying = subprocess.Popen(
            [sys.executable, "-m", "bot", "publish"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert notion.entered.wait(120), "the publish never reached a block append"
        finally:
            dying.send_signal(signal.SIGKILL)
            dying.wait(30)
            notion.released.set()

        code, out = run_in_process(monkeypatch, capsys, env, "publish")

        assert code == 0, out
        (page,) = notion.pages_in(ref.data_source_id)
        with open_database(env["DATABASE_URL"]) as database:
            topics = Repository(database).topics_for_meeting(meeting)
        settings = load_settings(env)
        agenda = compile_agenda(
            meeting,
            topics,
            settings.group_name,
            meeting_minutes=settings.meeting_minutes,  # published with its time slots
            start=settings.cycle().meeting_time,
        )
        assert_page_is(notion, page["id"], agenda)  # complete, every block exactly once
        agendas = agenda_messages(slack)
        assert len(agendas) == 1


# -- #19.3: a skipped week: publish, remind and preview say so and create nothing -----


def test_skipped_meeting_publish_remind_preview_create_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeSlack(TOKEN) as slack:
        slack.channel_members[CHANNEL] = ["UM000", "U0LATE"]
        env = contract_env(slack, tmp_path)
        settings = load_settings(env)
        cycle = settings.cycle()
        today = dt.datetime.now(cycle.tz).date()
        week = cycle.meeting_on_or_after(today, include_skipped=True)
        with open_database(settings.database_url) as database:
            repo = Repository(database)
            repo.set_skipped(week, True, "忘年会")
        date = week.isoformat()

        code, out = run_in_process(monkeypatch, capsys, env, "publish", "--date", date)
        assert code == 0 and date in out and "忘年会" in out and "何も作成" in out
        code, out = run_in_process(monkeypatch, capsys, env, "remind")
        assert code == 0 and date in out and "忘年会" in out and "何も作成" in out
        code, out = run_in_process(monkeypatch, capsys, env, "preview", "--date", date)
        assert code == 0 and "忘年会" in out and "# " not in out
        code, out = run_in_process(
            monkeypatch, capsys, env, "preview", "--date", date, "--format", "json"
        )
        assert json.loads(out) == {
            "meeting": date,
            "skipped": "忘年会",
            "topics": [],
            "slots": [],
        }
        env["LANGUAGE"] = "en"
        code, out = run_in_process(monkeypatch, capsys, env, "publish", "--date", date)
        assert code == 0 and f"The {date} meeting is skipped (忘年会)" in out

        assert slack.calls_to("chat.postMessage") == []
        with open_database(settings.database_url) as database:
            repo = Repository(database)
            assert repo.get_publication(week, "slack") is None
            assert repo.get_publication(week, "notion") is None


def test_a_busy_publish_says_who_holds_it_and_since_when(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeSlack(TOKEN) as slack:
        env = contract_env(slack, tmp_path)
        meeting = seed(env, 1)
        with open_database(env["DATABASE_URL"]) as database:
            repo = Repository(database)
            assert repo.acquire_lease(f"publish:{meeting}", "other-host:42:f00d", LEASE_TTL)
            held = repo.lease_holder(f"publish:{meeting}")
        assert held is not None
        code, out = run_in_process(monkeypatch, capsys, env, "publish")
        assert code == 1
        assert "other-host:42:f00d" in out and held[1].isoformat(timespec="seconds") in out
        assert "別のプロセスが公開中" in out
        assert agenda_messages(slack) == []
