"""Settings: the contract's variable names, defaults, and one line per problem."""

from __future__ import annotations

import datetime as dt
import os
import re
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
    "STRICT_PAPER_LINKS", "LOG_FORMAT", "MEETING_MINUTES", "MEETING_TIMER", "METRICS",
    "GROUPS_FILE",
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


def test_meeting_minutes_and_timer() -> None:
    s = load_settings({})
    assert s.meeting_minutes == 60 and s.meeting_timer is False
    s = load_settings({"MEETING_MINUTES": "90", "MEETING_TIMER": "true"})
    assert s.meeting_minutes == 90 and s.meeting_timer is True
    for bad in ("0", "4", "601"):
        with pytest.raises(ConfigError) as caught:
            load_settings({"MEETING_MINUTES": bad})
        text = f"会議の長さ（分）は 5〜600 で指定してください（「{bad}」は使えません）"
        assert caught.value.lines == [f"MEETING_MINUTES: {text}"]
    with pytest.raises(ConfigError) as caught:
        load_settings({"MEETING_MINUTES": "an hour", "LANGUAGE": "en"})
    assert caught.value.lines == ["MEETING_MINUTES: expected a whole number"]


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
    s = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "STUDY_CHANNEL": "C0STUDY001"})
    assert [p.split(":")[0] for p in s.problems_for_run()] == ["SLACK_SIGNING_SECRET"]
    socket = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "STUDY_CHANNEL": "C0STUDY001", "SLACK_APP_TOKEN": "xapp-1"}
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


def test_a_channel_name_is_not_a_channel_id() -> None:
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    for name in ("general", "#general", "benkyokai-ml"):
        problems = load_settings({**base, "STUDY_CHANNEL": name}).problems_for_run()
        assert len(problems) == 1 and problems[0].startswith("STUDY_CHANNEL: ")
        assert name in problems[0] and "C0123" in problems[0]
    for channel in ("C0STUDY001", "G01ABCDEF2", "C08KX4QH1RM"):
        assert load_settings({**base, "STUDY_CHANNEL": channel}).problems_for_run() == []


@pytest.mark.parametrize(
    "value",
    [
        "https://www.notion.so/acme/1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6?v=99887766554433221100aabbccddeeff&pvs=4",
        "https://www.notion.so/acme/Agenda-1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6?pvs=4",
        "https://acme.notion.site/1a2b3c4d-5e6f-47a8-b9c0-d1e2f3a4b5c6",
        "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6",
    ],
)
def test_a_notion_url_is_reduced_to_its_id(value: str) -> None:
    s = load_settings({"NOTION_DATABASE_ID": value, "NOTION_PARENT_PAGE_ID": value})
    assert s.notion_database_id == "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
    assert s.notion_parent_page_id == "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"


def test_a_notion_url_without_an_id_says_what_to_paste() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"NOTION_DATABASE_ID": "https://www.notion.so/acme/my-agenda"})
    assert caught.value.lines[0].startswith("NOTION_DATABASE_ID: ")
    assert "32" in caught.value.lines[0]


@pytest.mark.parametrize("name", ["SLACK_API_URL", "NOTION_API_URL"])
def test_api_urls_must_be_https_outside_this_machine(name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: "http://slack-proxy.example.com/api/", "LANGUAGE": "en"})
    (line,) = caught.value.lines
    assert line.startswith(f"{name}: http:// sends the token unencrypted: use https://")
    for ok in (
        "https://slack.example.com/api/",
        "http://127.0.0.1:8080/api/",
        "http://localhost:1/",
    ):
        assert getattr(load_settings({name: ok}), name.lower()) == ok


def test_unknown_weekday_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"MEETING_WEEKDAY": "donnerstag", "LANGUAGE": "en"})
    assert caught.value.lines == [
        "MEETING_WEEKDAY: unknown weekday “donnerstag”; use one of mon tue wed thu fri sat sun "
        "(or 月 火 水 木 金 土 日)"
    ]


def test_configuration_errors_follow_language() -> None:
    env = {
        "TIMEZONE": "Mars/Olympus",
        "MEETING_TIME": "25:00",
        "PORT": "http",
        "SKIP_JP_HOLIDAYS": "maybe",
        "LOG_FORMAT": "xml",
        "REMINDER_CRON": "sometime",
    }
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.lang == "ja"
    for line in caught.value.lines:
        name, _, message = line.partition(": ")
        assert name in env and english_sentences(message) == [], line
    with pytest.raises(ConfigError) as caught:
        load_settings({**env, "LANGUAGE": "en"})
    assert "LOG_FORMAT: use one of text json" in caught.value.lines


# Words that may appear in Japanese output: names, commands, values, placeholders.
_ALLOWED = re.compile(
    r"https?://\S+|`[^`]*`|\{[^}]*\}|\b[A-Z][A-Z0-9_]{2,}\b|--?[a-z][a-z-]*|[a-z0-9_.+-]*[./:@#+_][\w./:@#+-]*"
    r"|\b(?:studybot|xoxb|xapp|Slack|Notion|Socket Mode|HTTP|OAuth|Permissions|Bot User|Token|"
    r"IANA|crontab|Asia|Tokyo|PATH|USER|HOST|DB|ID|true|false|text|json|md|csv|mon|tue|wed|thu|"
    r"fri|sat|sun|scopes|Reinstall to Workspace|Bot Token Scopes|Capabilities|Connections|NTP|"
    r"Internal Integration Secret|Markdown|Python|YAML|URL|Docker|bot|title|date|pvs|v|h|m|s|"
    r"demo|preview|manifest|run|publish|remind|votes|reconcile|doctor|import|export)\b"
)


def english_sentences(text: str) -> list[str]:
    """Runs of two or more English words left after names, commands and values are removed."""
    rest = _ALLOWED.sub(" ", text)
    return re.findall(r"[A-Za-z]{2,}(?:[\s,;']+[A-Za-z]{2,})+", rest)


def test_the_english_scanner_finds_english() -> None:
    assert english_sentences("unknown weekday “x”") == ["unknown weekday"]
    assert english_sentences("SLACK_BOT_TOKEN: xoxb- で始まる bot トークン (auth.test)") == []


def test_gettext_style_language_values_are_understood() -> None:
    # Many desktops export LANGUAGE=en_US:en for gettext; it is the same variable.
    assert load_settings({"LANGUAGE": "en_US:en"}).language == "en"
    assert load_settings({"LANGUAGE": "ja_JP.UTF-8"}).language == "ja"
    with pytest.raises(ConfigError) as caught:
        load_settings({"LANGUAGE": "fr_FR:fr"})
    assert caught.value.lines[0].startswith("LANGUAGE: ")


def test_secret_values_hold_every_token_and_the_database_password() -> None:
    s = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-settings-test-token",
            "SLACK_SIGNING_SECRET": "settings-test-signing",
            "NOTION_TOKEN": "ntn_settingstesttoken",
            "DATABASE_URL": "postgresql+psycopg://bot:p%40ss-word-9@127.0.0.1:5432/test",
        }
    )
    values = s.secret_values()
    assert "xoxb-settings-test-token" in values and "settings-test-signing" in values
    assert "ntn_settingstesttoken" in values
    assert "p@ss-word-9" in values and "p%40ss-word-9" in values  # decoded and as written
    short = load_settings({"DATABASE_URL": "postgresql+psycopg://bot:pw@127.0.0.1/test"})
    assert short.secret_values() == []  # too short to be a secret; scrubbing it would mangle lines
