"""`studybot doctor` against local fake Slack and Notion: all green, and each problem's fix."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.doctor import run_doctor
from bot.settings import load_settings
from bot.slack.manifest import BOT_SCOPES
from tests.deploy.conftest import CHANNEL, REPO, SECRETS, World

# Tuesday 12:00 in Tokyo: the coming meeting is Thursday 2026-11-26.
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)


def doctor(env: dict[str, str], *, secrets: tuple[str, ...] = SECRETS) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = run_doctor(load_settings(env), out=lines.append, now=NOW, timeout=5)
    text = "\n".join(lines)
    for secret in (*secrets, *(v for k, v in env.items() if "TOKEN" in k or "SECRET" in k)):
        assert secret not in text, "a secret was printed"
    return code, lines


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


def only_failure(lines: list[str]) -> str:
    found = failures(lines)
    assert len(found) == 1, "\n".join(lines)
    return found[0]


def test_a_good_setup_is_all_green(world: World) -> None:
    code, lines = doctor(world.env(LANGUAGE="en"))
    assert code == 0, "\n".join(lines)
    checks = lines[:-1]
    assert all(line.startswith("✓ ") for line in checks), "\n".join(lines)
    assert len(checks) == 9
    text = "\n".join(lines)
    assert "@studybot in workspace studybot-test" in text
    assert f"all {len(BOT_SCOPES)} required scopes" in text
    assert "member of #benkyokai" in text
    assert "“名前” (title)" in text and "“日付” (date)" in text
    assert "is empty; it is created and migrated on start" in text
    assert "next meeting 2026-11-26 (Thu) 17:00" in text
    assert "agenda published 2026-11-26 (Thu) 10:00" in text
    assert "now 2026-11-24 (Tue) 12:00 Asia/Tokyo" in text
    assert lines[-1] == "All checks passed."


def test_japanese_by_default(world: World) -> None:
    code, lines = doctor(world.env())
    assert code == 0, "\n".join(lines)
    text = "\n".join(lines)
    assert "✓ Slack トークン (auth.test): ワークスペース studybot-test の @studybot" in text
    assert "次の会 2026-11-26 (木) 17:00" in text
    assert lines[-1] == "すべて OK です。"


def test_invalid_token(world: World) -> None:
    wrong = "xoxb-9999-not-the-right-token"
    code, lines = doctor(world.env(SLACK_BOT_TOKEN=wrong, LANGUAGE="en"), secrets=(*SECRETS, wrong))
    assert code == 1
    line = only_failure(lines)
    assert line.startswith("✗ Slack token (auth.test): invalid_auth — fix: ")
    assert "Bot User OAuth Token" in line and "SLACK_BOT_TOKEN" in line
    skipped = [line for line in lines if line.startswith("- ")]
    assert len(skipped) == 2  # scopes and channel cannot be checked without a token


def test_bot_not_in_channel(world: World) -> None:
    world.slack.add_channel(CHANNEL, "benkyokai", bot_is_member=False)
    code, lines = doctor(world.env(LANGUAGE="en"))
    assert code == 1
    line = only_failure(lines)
    assert "not a member of #benkyokai" in line
    assert line.endswith("— fix: run /invite @studybot in #benkyokai")


def test_bot_not_in_channel_japanese(world: World) -> None:
    world.slack.add_channel(CHANNEL, "benkyokai", bot_is_member=False)
    _, lines = doctor(world.env())
    assert "対処: チャンネル #benkyokai で /invite @studybot を実行してください" in only_failure(
        lines
    )


def test_unknown_channel(world: World) -> None:
    code, lines = doctor(world.env(STUDY_CHANNEL="C0NOSUCH01", LANGUAGE="en"))
    assert code == 1
    line = only_failure(lines)
    assert "C0NOSUCH01: channel_not_found" in line
    assert "STUDY_CHANNEL is the channel id" in line and "/invite @studybot" in line


def test_missing_scope(world: World) -> None:
    world.slack.scopes.discard("users:read.email")
    world.slack.scopes.discard("reactions:read")
    code, lines = doctor(world.env(LANGUAGE="en"))
    assert code == 1
    line = only_failure(lines)
    assert line.startswith("✗ Slack scopes: missing: reactions:read, users:read.email — fix: ")
    assert "OAuth & Permissions" in line and "reinstall" in line


def test_database_not_shared_with_the_integration(world: World) -> None:
    world.notion.share(world.database_id, False)
    code, lines = doctor(world.env(LANGUAGE="en"))
    assert code == 1
    line = only_failure(lines)
    assert line.startswith("✗ Notion database: object_not_found")
    assert "Connections" in line and "fix:" in line
    requests = world.notion.requests_to("GET", "/v1/databases/")
    assert requests and requests[0].headers["notion-version"] == "2025-09-03"


def test_database_not_shared_japanese(world: World) -> None:
    world.notion.share(world.database_id, False)
    _, lines = doctor(world.env())
    assert "コネクト（Connections）でインテグレーションを追加" in only_failure(lines)


def test_wrong_notion_token(world: World) -> None:
    wrong = "ntn_notTheRightOne0000"
    code, lines = doctor(world.env(NOTION_TOKEN=wrong, LANGUAGE="en"), secrets=(*SECRETS, wrong))
    assert code == 1
    assert "Internal Integration Secret" in only_failure(lines)


def test_missing_date_property(world: World) -> None:
    ref = world.notion.add_database("Agenda", {"Name": "title", "Memo": "rich_text"})
    code, lines = doctor(world.env(NOTION_DATABASE_ID=ref.database_id, LANGUAGE="en"))
    assert code == 1
    line = only_failure(lines)
    assert line.startswith("✗ Notion date property: no property of type date — fix: ")
    assert "add a property of type Date" in line


def test_date_property_of_the_wrong_type(world: World) -> None:
    ref = world.notion.add_database("Agenda", {"名前": "title", "日付": "rich_text", "Day": "date"})
    env = world.env(NOTION_DATABASE_ID=ref.database_id, NOTION_DATE_PROPERTY="日付", LANGUAGE="en")
    code, lines = doctor(env)
    assert code == 1
    line = only_failure(lines)
    assert "“日付” is of type rich_text, not date" in line
    assert "change the type of “日付” to Date" in line


def test_named_date_property_that_does_not_exist(world: World) -> None:
    env = world.env(NOTION_DATE_PROPERTY="開催日", LANGUAGE="en")
    code, lines = doctor(env)
    assert code == 1
    line = only_failure(lines)
    assert "“開催日” does not exist (date properties: 日付)" in line and "fix:" in line


def test_several_date_properties_use_the_named_one(world: World) -> None:
    ref = world.notion.add_database("Agenda", {"名前": "title", "作成": "date", "開催日": "date"})
    env = world.env(NOTION_DATABASE_ID=ref.database_id, LANGUAGE="en")
    code, lines = doctor(env)
    assert code == 0
    assert any(
        line.startswith("✓ Notion date property: using “作成” (date); set NOTION_DATE_PROPERTY")
        for line in lines
    )
    code, lines = doctor({**env, "NOTION_DATE_PROPERTY": "開催日"})
    assert code == 0 and "✓ Notion date property: “開催日” (date)" in lines


def test_database_id_that_is_not_an_id(world: World) -> None:
    code, lines = doctor(world.env(NOTION_DATABASE_ID="my-agenda", LANGUAGE="en"))
    assert code == 1
    assert "32 characters before ?v=" in only_failure(lines)


def test_parent_page_instead_of_a_database(world: World) -> None:
    page = world.notion.add_page("勉強会")
    env = world.env(NOTION_DATABASE_ID="", NOTION_PARENT_PAGE_ID=page, LANGUAGE="en")
    code, lines = doctor(env)
    assert code == 0
    assert "✓ Notion parent page: “勉強会” is reachable" in lines
    world.notion.share(page, False)
    code, lines = doctor(env)
    assert code == 1 and "open the parent page in Notion" in only_failure(lines)


def test_notion_unreachable(world: World) -> None:
    code, lines = doctor(world.env(NOTION_API_URL="http://127.0.0.1:9", LANGUAGE="en"))
    assert code == 1
    assert "cannot reach http://127.0.0.1:9" in only_failure(lines)


def test_without_notion_the_agenda_is_slack_only(world: World) -> None:
    env = world.env(NOTION_TOKEN="", NOTION_DATABASE_ID="", LANGUAGE="en")
    code, lines = doctor(env)
    assert code == 0
    assert "- Notion: NOTION_TOKEN is not set: the agenda goes to Slack only" in lines
    assert not world.notion.requests


def test_configuration_problems_each_on_a_line(world: World) -> None:
    env = world.env(SLACK_BOT_TOKEN="", STUDY_CHANNEL="", LANGUAGE="en")
    code, lines = doctor(env)
    assert code == 1
    found = failures(lines)
    assert [line.split(":")[1].strip() for line in found] == ["SLACK_BOT_TOKEN", "STUDY_CHANNEL"]
    assert all("fix: set it in .env" in line for line in found)
    assert "- Slack token (auth.test): not checked: SLACK_BOT_TOKEN is not set" in lines
    assert not world.slack.calls


def test_migrated_database_is_up_to_date(world: World) -> None:
    from bot.store import open_database

    open_database(world.db_url).dispose()
    code, lines = doctor(world.env(LANGUAGE="en"))
    assert code == 0
    assert any(
        line.startswith("✓ database (migrations): ") and "up to date" in line for line in lines
    )


def test_database_newer_than_the_code(world: World, tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999_future')")
    conn.close()
    code, lines = doctor(world.env(DATABASE_URL=f"sqlite:///{path}", LANGUAGE="en"))
    assert code == 1
    line = only_failure(lines)
    assert "9999_future, newer than this studybot knows" in line and "upgrade studybot" in line


def test_unreachable_postgres_never_shows_its_password(world: World) -> None:
    password = "pg-password-do-not-print"
    url = f"postgresql+psycopg://studybot:{password}@127.0.0.1:9/studybot?connect_timeout=2"
    code, lines = doctor(world.env(DATABASE_URL=url, LANGUAGE="en"), secrets=(*SECRETS, password))
    assert code == 1
    line = only_failure(lines)
    assert line.startswith(
        "✗ database (migrations): cannot open postgresql+psycopg://studybot:***@"
    )
    assert "check DATABASE_URL" in line


def test_clock_far_from_slack_is_reported(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.doctor

    monkeypatch.setattr(
        bot.doctor, "_utcnow", lambda: dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    )
    code, lines = doctor(world.env(LANGUAGE="en"))
    assert code == 1
    line = only_failure(lines)
    assert line.startswith("✗ clock and time zone: this machine's clock is 6")
    assert "NTP" in line


@pytest.mark.slow
def test_cli_subprocess_prints_no_secret(world: World, tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "NOTION_", "DATABASE_", "LANGUAGE"))
    }
    env.update(world.env())
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "✓ STUDY_CHANNEL への参加: #benkyokai に参加済み" in proc.stdout
    for secret in SECRETS:
        assert secret not in output
    world.slack.add_channel(CHANNEL, "benkyokai", bot_is_member=False)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "/invite @studybot" in proc.stdout
    for secret in SECRETS:
        assert secret not in proc.stdout + proc.stderr


def test_a_token_of_the_wrong_kind_is_not_sent_to_slack(world: World) -> None:
    wrong = "xapp-1-this-is-an-app-token"
    code, lines = doctor(world.env(SLACK_BOT_TOKEN=wrong, LANGUAGE="en"), secrets=(*SECRETS, wrong))
    assert code == 1
    assert [line.split(":")[1].strip() for line in failures(lines)] == ["SLACK_BOT_TOKEN"]
    skipped = [line for line in lines if line.startswith("- Slack")]
    assert len(skipped) == 2 and all("is not a bot token" in line for line in skipped)
    assert any(line.startswith("- bot in STUDY_CHANNEL: not checked") for line in lines)
    assert not world.slack.calls


def test_an_unreachable_slack_is_not_called_a_bad_token(world: World) -> None:
    code, lines = doctor(world.env(SLACK_API_URL="http://127.0.0.1:9/api/", LANGUAGE="en"))
    assert code == 1
    assert "cannot reach http://127.0.0.1:9/api/" in only_failure(lines)
    skipped = [line for line in lines if line.startswith("- ")]
    assert len(skipped) == 2
    assert all("Slack cannot be reached" in line for line in skipped), skipped
    assert not any("does not work" in line for line in lines)


def test_japanese_doctor_has_no_english_sentences(world: World) -> None:
    from tests.test_settings import english_sentences

    world.slack.add_channel(CHANNEL, "benkyokai", bot_is_member=False)
    world.notion.share(world.database_id, False)
    outputs = [
        doctor(world.env())[1],
        doctor(world.env(STUDY_CHANNEL="general", NOTION_TOKEN=""))[1],
        doctor(world.env(SLACK_BOT_TOKEN="xoxp-user-token-9999"))[1],
        doctor(world.env(SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET=""))[1],
        doctor(world.env(SLACK_API_URL="http://127.0.0.1:9/api/"))[1],
    ]
    for lines in outputs:
        for line in lines:
            assert english_sentences(line) == [], line
        assert "fix" not in "\n".join(lines)
