"""`studybot demo`: a fresh database, the seeds in, the agenda and block files out."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.core.weeks import Cycle
from bot.demo import SEEDS, run_demo
from bot.slack.blocks import MAX_BLOCKS

NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)


def test_seeds_are_a_realistic_week() -> None:
    data = yaml.safe_load(SEEDS.read_text(encoding="utf-8"))
    assert len(data["members"]) >= 6
    assert len(data["submissions"]) >= 10
    assert sum(1 for s in data["submissions"] if s["votes"]) >= 5


def test_demo_compiles_the_week(tmp_path: Path) -> None:
    result = run_demo(tmp_path, now=NOW, cycle=Cycle())
    lines = result.markdown.splitlines()
    assert lines[0] == "# 2026-11-26 機械学習勉強会"
    assert "## 今週のTOPIC" in lines[:4]
    data = yaml.safe_load(SEEDS.read_text(encoding="utf-8"))
    for member in data["members"]:
        assert f"### @{member['name']}" in lines
    assert result.accepted == 11 and len(result.rejected) == 2
    assert "[論文] [ConvNeXt V2: Co-designing" in result.markdown
    assert "  - 文書の構造やレイアウトを認識するタスク" in lines
    # Most votes first: the 5-vote topic leads the agenda.
    assert result.agenda.ranked[0].votes == 5
    assert "utm_source" not in result.markdown and "fbclid" not in result.markdown
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["agenda.md", "notion_blocks.json", "slack_blocks.json"]
    slack = json.loads((tmp_path / "slack_blocks.json").read_text(encoding="utf-8"))
    assert 0 < len(slack["blocks"]) <= MAX_BLOCKS
    notion = json.loads((tmp_path / "notion_blocks.json").read_text(encoding="utf-8"))
    assert notion["title"] == "2026-11-26 機械学習勉強会"
    assert notion["children"][0]["type"] == "heading_2"


def test_demo_in_english(tmp_path: Path) -> None:
    result = run_demo(tmp_path, now=NOW, lang="en", cycle=Cycle())
    assert "## Topics of the week" in result.markdown


@pytest.mark.slow
def test_cli_demo_runs_from_any_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NOTION_"))}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        proc.stdout.startswith("# ") and " 機械学習勉強会\n" in proc.stdout.splitlines()[0] + "\n"
    )
    assert "今週のTOPIC" in proc.stdout
    assert (tmp_path / "demo-output" / "agenda.md").exists()
    assert not (tmp_path / "data").exists()  # the demo never touches the real database
