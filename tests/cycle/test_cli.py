"""The cycle's CLI steps as an operator runs them: same services, printed results.

The commands run in process (`main(argv)`, the `cli` fixture); one test runs a real
process, for what only a process shows (exit status and stderr of a configuration error).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.model import Presenter
from bot.core.weeks import upcoming_meeting
from bot.settings import load_settings
from bot.wiring import build_runtime
from tests.conftest import Cli, CliResult
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, TOKEN, agenda_messages

CONTRACT_PREFIXES = ("SLACK_", "NOTION_", "DATABASE_URL", "STUDY_CHANNEL", "ORGANIZERS", "ROSTER")


def _env(slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(CONTRACT_PREFIXES)},
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": f"{slack.url}/api/",
        "STUDY_CHANNEL": CHANNEL,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "SKIP_JP_HOLIDAYS": "false",
    }


def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _seed(env: dict[str, str], n: int = 3) -> dt.date:
    settings = load_settings({k: v for k, v in env.items() if k in env})
    runtime = build_runtime(settings)
    try:
        for k in range(n):
            outcome = runtime.topics.submit_text(
                Presenter(f"U{k}", f"Member {k}"), f"[blog] Topic {k} https://example.com/{k}"
            )
            assert outcome.topic is not None
            runtime.deps.cards.post(outcome.topic)
        return upcoming_meeting(dt.datetime.now(dt.UTC), runtime.topics.cycle)
    finally:
        runtime.close()


def test_preview_json_is_the_documented_interface(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        env = _env(slack, tmp_path)
        meeting = _seed(env)
        calls_before = len(slack.calls)
        proc = cli(env, "preview", "--format", "json")
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        assert data["meeting"] == meeting.isoformat()
        assert [t["title"] for t in data["topics"]] == ["Topic 0", "Topic 1", "Topic 2"]
        assert set(data["topics"][0]) == {
            "tag", "title", "url", "presenter", "presenter_id", "votes", "notes", "submitted_at",
        }  # fmt: skip
        assert len(slack.calls) == calls_before  # preview only reads
        md = cli(env, "preview")
        assert md.stdout.startswith(f"# {meeting.isoformat()} 機械学習勉強会")


def test_preview_shows_time_slots_in_markdown_and_json(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        env = {**_env(slack, tmp_path), "MEETING_MINUTES": "10", "MEETING_TIME": "18:30"}
        _seed(env)
        data = json.loads(cli(env, "preview", "--format", "json").stdout)
        assert set(data) == {"meeting", "topics", "slots"}  # the old keys as they were
        assert set(data["topics"][0]) == {
            "tag", "title", "url", "presenter", "presenter_id", "votes", "notes", "submitted_at",
        }  # fmt: skip
        slots = data["slots"]
        assert [(x["title"], x["start"], x["end"], x["minutes"], x["fits"]) for x in slots] == [
            ("Topic 0", "18:30", "18:35", 5, True),
            ("Topic 1", "18:35", "18:40", 5, True),
            ("Topic 2", None, None, 5, False),
        ]
        md = cli(env, "preview").stdout
        assert "### 18:30 @Member 0 (5分)\n" in md and "### 18:35 @Member 1 (5分)\n" in md
        assert md.index("## 時間があれば") < md.index("### @Member 2")


@pytest.mark.slow
def test_publish_twice_then_reconcile_and_remind(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        env = _env(slack, tmp_path)
        _seed(env)
        first = cli(env, "publish")
        assert first.returncode == 0, first.stderr
        assert "アジェンダを公開しました（トピック 3 件）" in first.stdout
        assert "As you gave client" not in first.stderr  # Bolt's noise, silenced (#19.5)
        second = cli(env, "publish")
        assert second.returncode == 0, second.stderr
        agendas = agenda_messages(slack)
        assert len(agendas) == 1
        card = slack.messages[CHANNEL][0]
        slack.set_reactions(CHANNEL, card["ts"], {"+1": ["UVOTER1", "UVOTER2"]})
        slack.add_user("UVOTER1", "v1")
        slack.add_user("UVOTER2", "v2")
        votes = cli(env, "votes", "reconcile")
        assert votes.returncode == 0, votes.stderr
        assert "修正 1 件" in votes.stdout and "Topic 0: 2 (+2 -0)" in votes.stdout
        slack.channel_members[CHANNEL] = ["U0", "U1", "U2", "ULATE"]
        slack.add_user("ULATE", "late")
        remind = cli(env, "remind")
        assert remind.returncode == 0 and "リマインドを送りました" in remind.stdout
        assert "<@ULATE>" in slack.calls_to("chat.postMessage")[-1].params["text"]
        again = cli(env, "remind")
        assert "送りませんでした" in again.stdout


@pytest.mark.slow
def test_publish_without_slack_configuration_says_what_is_missing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CONTRACT_PREFIXES)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.db"
    proc = _cli(env, tmp_path, "publish")
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN:" in proc.stderr and "STUDY_CHANNEL:" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- one error path (#19.1)
def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on exit: connections are refused


def _assert_one_clean_failure(proc: subprocess.CompletedProcess[str] | CliResult, fix: str) -> None:
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output, output
    assert TOKEN not in output
    assert fix in proc.stderr, output
    lines = [line for line in proc.stderr.splitlines() if line.startswith(("studybot:", "  "))]
    assert 1 <= len(lines) <= 2, output


@pytest.mark.slow
def test_a_real_process_against_an_unreachable_slack_prints_no_traceback(tmp_path: Path) -> None:
    with FakeSlack(TOKEN) as slack:
        env = _env(slack, tmp_path)
    env["SLACK_API_URL"] = f"http://127.0.0.1:{_closed_port()}/api/"
    proc = _cli(env, tmp_path, "publish")
    _assert_one_clean_failure(proc, "ネットワークと SLACK_API_URL を確認してください")


def test_publish_against_an_unreachable_slack_names_the_fix(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        env = _env(slack, tmp_path)
    env["SLACK_API_URL"] = f"http://127.0.0.1:{_closed_port()}/api/"
    for command in ("publish", "remind"):
        proc = cli(env, command)
        _assert_one_clean_failure(proc, "ネットワークと SLACK_API_URL を確認してください")
    english = cli({**env, "LANGUAGE": "en"}, "publish")
    _assert_one_clean_failure(english, "check the network and SLACK_API_URL")


def test_publish_with_a_revoked_or_wrong_token_names_the_fix(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        env = _env(slack, tmp_path)
        wrong = cli({**env, "SLACK_BOT_TOKEN": "xoxb-0000-not-this-one"}, "publish")
        _assert_one_clean_failure(wrong, "SLACK_BOT_TOKEN にコピーしてください")
        assert "invalid_auth" in wrong.stderr
        slack.error_for("auth.test", "token_revoked")
        revoked = cli(env, "remind")
        _assert_one_clean_failure(revoked, "Bot User OAuth Token")
        assert "token_revoked" in revoked.stderr
        assert not slack.calls_to("chat.postMessage")


def test_publish_to_a_wrong_channel_names_the_fix(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        slack.add_channel(CHANNEL, "benkyokai")
        env = _env(slack, tmp_path)
        unknown = cli({**env, "STUDY_CHANNEL": "C0NOSUCH01"}, "publish")
        _assert_one_clean_failure(unknown, "STUDY_CHANNEL がチャンネル ID")
        assert "channel_not_found" in unknown.stderr
        # A channel *name* is refused before any Slack call, as configuration (exit 2).
        calls = len(slack.calls)
        named = cli({**env, "STUDY_CHANNEL": "general"}, "publish")
        assert named.returncode == 2, named.stderr
        assert "Traceback" not in named.stdout + named.stderr
        assert "STUDY_CHANNEL: 「general」はチャンネル ID ではありません" in named.stderr
        assert len(slack.calls) == calls


def test_a_traceback_only_with_debug(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        env = _env(slack, tmp_path)
    env["SLACK_API_URL"] = f"http://127.0.0.1:{_closed_port()}/api/"
    proc = cli(env, "--debug", "remind")
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "SLACK_API_URL" in proc.stderr


def test_version(cli: Cli) -> None:
    from importlib.metadata import version

    proc = cli({}, "--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"studybot {version('studybot')}"


# ---------------------------------------------------------------- one language (#19.5)
HELP_COMMANDS = (
    [], ["demo"], ["preview"], ["manifest"], ["run"], ["publish"], ["remind"], ["votes"],
    ["votes", "reconcile"], ["doctor"], ["import"], ["export"],
)  # fmt: skip


def test_help_and_errors_are_japanese_throughout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main
    from tests.test_settings import english_sentences

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANGUAGE", "ja")
    for command in HELP_COMMANDS:
        with pytest.raises(SystemExit) as stopped:
            main([*command, "--help"])
        assert stopped.value.code == 0
        shown = capsys.readouterr().out
        assert "使い方: studybot" in shown and "オプション" in shown, command
        for line in shown.splitlines():
            assert english_sentences(line) == [], (command, line)
    for argv in (["publish", "--date", "soon"], ["nope"], ["preview", "--format", "pdf"]):
        with pytest.raises(SystemExit):
            main(argv)
        for line in capsys.readouterr().err.splitlines():
            assert english_sentences(line) == [], (argv, line)
    monkeypatch.setenv("MEETING_TIME", "25:00")
    monkeypatch.setenv("TIMEZONE", "Mars/Base")
    assert main(["preview"]) == 2
    shown = capsys.readouterr().err
    assert shown.startswith("studybot: 設定に問題があります")
    for line in shown.splitlines():
        assert english_sentences(line) == [], line


def test_debug_works_after_the_command_too(tmp_path: Path, cli: Cli) -> None:
    with FakeSlack(TOKEN) as slack:
        env = _env(slack, tmp_path)
    env["SLACK_API_URL"] = f"http://127.0.0.1:{_closed_port()}/api/"
    proc = cli(env, "remind", "--debug")
    assert proc.returncode == 1 and "Traceback" in proc.stderr
