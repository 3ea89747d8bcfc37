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

from bot.core.weeks import Cycle
from bot.demo import SEEDS, run_demo
from bot.slack.blocks import MAX_BLOCKS

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
