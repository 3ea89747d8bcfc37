"""`studybot demo`: a fresh database, the seeds in, the agenda and block files out."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from bot.core.agenda import md_escape
from bot.core.weeks import Cycle
from bot.demo import SEEDS, run_demo
from bot.slack.blocks import MAX_BLOCKS, escape
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]
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
    for member in data["members"]:  # under their slot's start time
        assert any(x.startswith("### ") and f"@{member['name']} (" in x for x in lines)
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


def test_demo_week_fits_the_hour_in_every_output(tmp_path: Path) -> None:
    """MEETING_MINUTES=60: each presenter has a start time, the slots sum to at most 60
    minutes, what does not fit is listed; the same in the Notion and Slack blocks."""
    result = run_demo(tmp_path, now=NOW, cycle=Cycle(), meeting_minutes=60)
    schedule = result.agenda.schedule
    assert schedule is not None and schedule.meeting_minutes == 60
    assert 0 < schedule.used_minutes <= 60
    assert schedule.overflow  # this week has more than an hour of topics
    ids = [item.topic.id for item in schedule.items]
    assert sorted(ids) == sorted(t.id for t in result.agenda.ranked)  # each exactly once
    slots = schedule.presenter_slots()
    data = yaml.safe_load(SEEDS.read_text(encoding="utf-8"))
    assert {s.presenter.name for s in slots} == {m["name"] for m in data["members"]}
    assert sum(s.minutes for s in slots) <= 60
    headings = [f"{schedule.clock(s.start)} @{s.presenter.name} ({s.minutes}分)" for s in slots]
    assert headings[0] == "17:00 @Naoto Shimakoshi (15分)"
    waiting = [item.topic for item in schedule.overflow]

    markdown = result.markdown
    assert [line[4:] for line in markdown.splitlines() if line.startswith("### 1")] == headings
    after = markdown.split("\n## 時間があれば\n", 1)[1]
    assert all(md_escape(topic.title) in after for topic in waiting)

    notion = json.loads((tmp_path / "notion_blocks.json").read_text(encoding="utf-8"))
    notion_texts = [
        "".join(r["text"]["content"] for r in b[b["type"]]["rich_text"])
        for b in notion["children"]
        if b["type"] in ("heading_2", "heading_3", "paragraph")
    ]
    assert [x for x in notion_texts if x[:1].isdigit()] == headings
    rest = notion_texts[notion_texts.index("時間があれば") :]
    assert all(any(topic.title in x for x in rest) for topic in waiting)

    slack = json.loads((tmp_path / "slack_blocks.json").read_text(encoding="utf-8"))
    lines = [b["text"]["text"] for b in slack["blocks"] if b["type"] == "section"]
    for slot in slots:  # the presenter's first line carries their start time
        first = next(x for x in lines if f"— {slot.presenter.name} ·" in x)
        assert first.startswith(f"*{schedule.clock(slot.start)}* (")
    rest = lines[lines.index("*時間があれば*") :]
    assert all(any(escape(topic.title) in x for x in rest) for topic in waiting)
    assert not any(x.startswith("*1") for x in rest)


def test_demo_command_takes_meeting_minutes_from_the_settings(tmp_path: Path, cli: Cli) -> None:
    result = cli({"MEETING_MINUTES": "30", "LANGUAGE": "en"}, "demo", "--out", "out")
    assert result.returncode == 0, result.stderr
    starts = [line for line in result.stdout.splitlines() if line.startswith("### 1")]
    assert starts and starts[0].startswith("### 17:00 @Naoto Shimakoshi (")
    assert sum(int(line.rsplit("(", 1)[1].split()[0]) for line in starts) <= 30
    assert "\n## If time allows\n" in result.stdout


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


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")
def test_demo_runs_from_the_built_wheel(tmp_path: Path) -> None:
    """The sample week ships inside the package: an installed wheel (or the Docker image,
    which installs the same package) runs `studybot demo` with no checkout around."""
    built = subprocess.run(
        ["uv", "build", "--wheel", "--offline", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("studybot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "bot/seeds/demo_week.yaml" in archive.namelist()
        archive.extractall(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NOTION_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(tmp_path / "site")
    where = subprocess.run(
        [sys.executable, "-c", "import bot.demo as d; print(d.__file__); print(d.SEEDS)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert where.stdout.splitlines()[0].startswith(str(tmp_path / "site")), where.stdout
    assert str(tmp_path / "site") in where.stdout.splitlines()[1]
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "今週のTOPIC" in proc.stdout
    assert "一時的なもので、終了時に削除されました" in proc.stderr


def test_a_checkout_reads_the_top_level_sample_week() -> None:
    # One file, no copy to drift: the wheel build packs this same file (pyproject.toml).
    assert str(SEEDS) == str(ROOT / "seeds" / "demo_week.yaml") and SEEDS.is_file()


@pytest.mark.slow
def test_an_output_path_that_cannot_be_a_directory_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a directory", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NOTION_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--out", "taken"],
        cwd=tmp_path, env={**env, "LANGUAGE": "ja"}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Slack" not in proc.stderr
    assert "studybot: ファイル taken: " in proc.stderr
    assert "対処: パスと、このユーザーの読み書きの権限を確認してください" in proc.stderr
