"""`studybot import` and `studybot export` as a user runs them (in process: `main(argv)`)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from bot.archive.cli import run_export, run_import
from bot.archive.exporter import CSV_COLUMNS
from bot.settings import Settings
from tests.archive.test_parsing import CREPE
from tests.conftest import Cli, CliResult


def _run(cli: Cli, tmp_path: Path, *args: str, lang: str = "ja") -> CliResult:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "LANGUAGE": lang, "LOG_FORMAT": "text"}
    return cli(env, *args)


def test_import_then_export_csv(tmp_path: Path, seed_path: Path, cli: Cli) -> None:
    imported = _run(cli, tmp_path, "import", str(seed_path))
    assert imported.returncode == 0, imported.stderr
    assert "[1/1]" in imported.stderr
    assert "2024-05-16 の回 — 取り込み 6 件、取り込み済み 0 件" in imported.stdout
    assert "合計: 1 ファイル" in imported.stdout

    again = _run(cli, tmp_path, "import", str(seed_path), lang="en")
    assert again.returncode == 0, again.stderr
    assert "meeting 2024-05-16 — 0 imported, 6 already present" in again.stdout

    exported = _run(cli, tmp_path, "export", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 6
    assert any(row["title"] == CREPE and row["tag"] == "論文" for row in rows)


def test_export_markdown_to_file_and_failures(tmp_path: Path, seed_path: Path, cli: Cli) -> None:
    missing = _run(cli, tmp_path, "import", "nope.txt", str(seed_path))
    assert missing.returncode == 1
    assert "nope.txt: 読み込めません: ファイルがありません" in missing.stdout

    out = tmp_path / "out" / "archive.md"
    exported = _run(cli, tmp_path, "export", "--since", "2024-05-01", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("# 2024-05-16 機械学習勉強会\n")


def _settings(tmp_path: Path) -> Settings:
    return Settings.model_construct(
        database_url=f"sqlite:///{tmp_path / 'x.db'}", language="ja", group_name="G"
    )


def test_export_in_process_csv_file_and_empty(
    tmp_path: Path, seed_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    assert run_import(settings, argparse.Namespace(files=[seed_path]), io.StringIO()) == 0
    csv_out = tmp_path / "archive.csv"
    args = argparse.Namespace(format="csv", since=None, out=csv_out)
    assert run_export(settings, args) == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbfmeeting,")  # BOM for Excel
    assert "6 件のトピックを" in capsys.readouterr().err

    stdout = io.StringIO()
    empty = argparse.Namespace(format="md", since=dt.date(2030, 1, 1), out=None)
    assert run_export(settings, empty, stdout) == 0
    assert stdout.getvalue() == ""
    assert "書き出すトピックがありません" in capsys.readouterr().err

    blocked = argparse.Namespace(format="md", since=None, out=csv_out / "x.md")
    assert run_export(settings, blocked) == 1
    assert "に書き出せません" in capsys.readouterr().err
