"""docs/setup.md: every ```sh command that needs no real account runs as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import REPO, SECRETS, World

DOCS = REPO / "docs"
NEEDS = "# needs:"
# Commands that the test runs only where the tool exists (both are everyday tools).
OPTIONAL_TOOLS = ("sqlite3", "openssl")


def sh_commands(path: Path) -> list[str]:
    """The commands of every ```sh block, continuation lines joined, comment lines dropped."""
    text = path.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        pending = ""
        for line in block.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1]
                continue
            commands.append((pending + line).strip())
            pending = ""
        assert not pending, f"unfinished continuation in {path.name}"
    return commands


def without_comment(command: str) -> str:
    return command.split(" #", 1)[0].strip()


def runnable(command: str) -> bool:
    return NEEDS not in command


def test_both_languages_show_the_same_commands() -> None:
    ja = sh_commands(DOCS / "setup.md")
    en = sh_commands(DOCS / "setup.en.md")
    assert [without_comment(c) for c in ja] == [without_comment(c) for c in en]
    assert [runnable(c) for c in ja] == [runnable(c) for c in en]


def test_shell_commands_are_all_in_sh_blocks() -> None:
    # Shell commands written in other fences would escape this test.
    for doc in ("setup.md", "setup.en.md"):
        text = (DOCS / doc).read_text(encoding="utf-8")
        fences = set(re.findall(r"^```(\w*)$", text, flags=re.MULTILINE)) - {""}
        assert fences <= {"sh", "text"}, fences


def test_illustrative_commands_are_the_ones_that_need_accounts_or_docker() -> None:
    commands = sh_commands(DOCS / "setup.md")
    for command in commands:
        program = without_comment(command).split()[0]
        if program in ("docker", "git", "pg_dump", "pg_restore", "sudo"):
            assert not runnable(command), command
    run = [without_comment(c) for c in commands if runnable(c)]
    for expected in (
        "uv run studybot manifest",
        "uv run studybot manifest --http https://studybot.example.com",
        "cp .env.example .env",
        "uv run studybot doctor",
        "uv run studybot demo",
    ):
        assert expected in run, expected
    assert "uv run studybot run" not in run  # it serves until stopped


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_setup_commands_run_as_written(world: World, tmp_path: Path) -> None:
    work = tmp_path / "studybot"
    work.mkdir()
    shutil.copy(REPO / ".env.example", work / ".env.example")
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "UV_CACHE_DIR", "XDG_CACHE_HOME")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    # `uv run` in the copy uses the checkout's project and venv, and never re-syncs it.
    env.update({"UV_PROJECT": str(REPO), "UV_NO_SYNC": "1", "UV_NO_PROGRESS": "1"})
    # The fake Slack and Notion stand in for the values a user writes into .env.
    env.update(world.env(DATABASE_URL=""))
    outputs: dict[str, str] = {}
    for command in sh_commands(DOCS / "setup.md"):
        if not runnable(command) or any(
            tool in command and shutil.which(tool) is None for tool in OPTIONAL_TOOLS
        ):
            continue
        proc = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"`{command}` failed:\n{output}"
        for secret in SECRETS:
            assert secret not in output, f"`{command}` printed a secret"
        outputs[command] = proc.stdout
    assert "socket_mode_enabled: true" in outputs["uv run studybot manifest"]
    assert outputs["uv run studybot manifest"] == (
        REPO / "deploy" / "slack-manifest.yaml"
    ).read_text(encoding="utf-8")
    doctor = outputs["uv run studybot doctor"]
    assert "✗" not in doctor and doctor.rstrip().endswith("すべて OK です。")
    assert (work / ".env").exists() and (work / "data" / "studybot.db").exists()
    if shutil.which("sqlite3"):
        assert (work / "backup" / "studybot.db").stat().st_size > 0
    assert (work / "backup" / "archive.csv").read_text(encoding="utf-8-sig").startswith("meeting,")


def test_guides_name_the_notion_capability_mentions_need() -> None:
    # Without it Notion hides e-mail addresses and presenters stay plain names.
    for doc in ("setup.md", "setup.en.md"):
        text = " ".join((DOCS / doc).read_text(encoding="utf-8").split())
        assert "Read user information including email addresses" in text, doc


def test_guides_say_the_demo_database_is_thrown_away() -> None:
    ja = " ".join((DOCS / "setup.md").read_text(encoding="utf-8").split())
    en = " ".join((DOCS / "setup.en.md").read_text(encoding="utf-8").split())
    assert "`demo` のデータベースは一時的なもので、終了時に捨てられます" in ja
    assert "The demo's database is temporary and thrown away when it ends" in en


def test_readme_documents_exit_codes_and_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "| `0` |" in readme and "| `1` |" in readme and "| `2` |" in readme
    for command in ("--version", "--debug", "demo", "preview", "publish", "remind", "doctor"):
        assert f"studybot {command}" in readme, command
