"""Settings: the contract's variable names, defaults, and one line per problem."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = [
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
    "STUDY_CHANNEL", "NOTION_TOKEN", "NOTION_DATABASE_ID", "NOTION_PARENT_PAGE_ID",
    "NOTION_API_URL", "NOTION_DATE_PROPERTY", "DATABASE_URL", "TIMEZONE", "MEETING_WEEKDAY",
    "MEETING_TIME", "PUBLISH_TIME", "REMINDER_CRON", "GROUP_NAME", "LANGUAGE", "PORT",
    "VOTE_EMOJIS", "ORGANIZERS", "ROSTER", "SKIP_DATES", "SKIP_JP_HOLIDAYS", "REMINDER_GRACE",
    "STRICT_PAPER_LINKS", "LOG_FORMAT",
]  # fmt: skip


def test_every_contract_variable_is_a_setting_and_documented() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    assert set(CONTRACT) == fields
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in CONTRACT:
        assert f"{name}=" in example, name


def test_defaults() -> None:
    s = load_settings({})
    assert s.database_url == "sqlite:///data/studybot.db"
    assert s.timezone == "Asia/Tokyo"
    assert (s.meeting_weekday, s.meeting_time, s.publish_time) == ("thu", "17:00", "10:00")
    assert s.reminder_cron == "wed 12:00"
    assert s.group_name == "機械学習勉強会"
    assert s.language == "ja" and s.port == 3000 and s.vote_emojis == ("+1",)
    assert s.reminder_grace_delta == dt.timedelta(hours=2)
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.cycle().is_skipped(dt.date(2026, 11, 3))  # 文化の日 is a Japanese holiday
    assert not load_settings({"SKIP_JP_HOLIDAYS": "false"}).cycle().is_skipped(dt.date(2026, 11, 3))


def test_lists_and_dates() -> None:
    s = load_settings(
        {"VOTE_EMOJIS": ":+1:, thumbsup", "ORGANIZERS": "U1,U2", "SKIP_DATES": "2026-12-31"}
    )
    assert s.vote_emojis == ("+1", "thumbsup")
    assert s.organizers == ("U1", "U2")
    assert s.cycle().is_skipped(dt.date(2026, 12, 31))


def test_each_problem_is_one_line_naming_the_variable() -> None:
    env = {
        "TIMEZONE": "Mars/Olympus",
        "MEETING_TIME": "25:00",
        "DATABASE_URL": "mysql://u:hunter2@db/x",
        "REMINDER_CRON": "sometime",
        "SLACK_BOT_TOKEN": "xoxb-super-secret-token",
    }
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    lines = caught.value.lines
    assert {line.split(":")[0] for line in lines} == {
        "TIMEZONE", "MEETING_TIME", "DATABASE_URL", "REMINDER_CRON",
    }  # fmt: skip
    assert "hunter2" not in str(caught.value) and "super-secret" not in str(caught.value)


def test_run_needs_signing_secret_in_http_mode() -> None:
    s = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "STUDY_CHANNEL": "C1"})
    assert [p.split(":")[0] for p in s.problems_for_run()] == ["SLACK_SIGNING_SECRET"]
    socket = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "STUDY_CHANNEL": "C1", "SLACK_APP_TOKEN": "xapp-1"}
    )
    assert socket.problems_for_run() == [] and socket.socket_mode


@pytest.mark.slow
def test_cli_prints_problems_without_traceback_or_secret(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in CONTRACT},
        "MEETING_TIME": "25:00",
        "DATABASE_URL": "oracle://scott:tiger-secret@h/x",
        "SLACK_BOT_TOKEN": "xoxb-very-secret",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "preview"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "MEETING_TIME:" in proc.stderr and "DATABASE_URL:" in proc.stderr
    assert "tiger-secret" not in proc.stderr + proc.stdout
    assert "very-secret" not in proc.stderr + proc.stdout


def test_empty_values_mean_unset(tmp_path: Path) -> None:
    # A .env copied from .env.example leaves many variables empty: they must mean "unset".
    (tmp_path / ".env").write_text(
        (ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8"
    )
    s = load_settings(env_file=tmp_path / ".env")
    assert s.notion_token is None and not s.notion_enabled
    assert s.slack_bot_token is None
    assert load_settings({"NOTION_TOKEN": "", "ORGANIZERS": ""}).organizers == ()
