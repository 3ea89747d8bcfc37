"""`studybot --help`, `--version` and `preview` import only what they need (issue #20).

The start-up of each command was 0.9-1.1 s, almost all of it imports: Alembic for every
command, pydantic for --help, Slack's SDK for a read-only preview. Which modules a
command loads is a property of the code, checked here in a fresh interpreter (one
subprocess per case); the timings themselves live in bench/ and docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SETTING_PREFIXES

ROOT = Path(__file__).resolve().parent.parent
HEAVY_FOR_HELP = ("pydantic", "pydantic_settings", "sqlalchemy", "alembic", "slack_sdk",
                  "slack_bolt", "httpx", "holidays")  # fmt: skip
HEAVY_FOR_PREVIEW = ("alembic", "slack_sdk", "slack_bolt", "httpx", "notion_client", "apscheduler")
SLACK = ("slack_sdk", "slack_bolt", "httpx", "notion_client")
# bot.settings reads the environment itself: pydantic-settings' sources cost ~0.1 s.
SETTINGS = ("pydantic_settings",)
# What each command must not load (issue #20): the package of every country's holidays
# (bot.jp_holidays has Japan's written out), Alembic for a current database, Slack's SDK
# for what never talks to Slack, and nothing past the settings for a refused run.
NOT_LOADED = {
    ("preview",): (*HEAVY_FOR_PREVIEW, *SETTINGS, "holidays", "bot.slack", "bot.notion"),
    ("preview", "--format", "json"): (*HEAVY_FOR_PREVIEW, *SETTINGS, "holidays", "bot.slack"),
    ("preview", "--date", "2027-09-23"): (*HEAVY_FOR_PREVIEW, *SETTINGS, "holidays"),  # holiday
    ("status",): ("alembic", *SLACK, *SETTINGS, "holidays", "bot.slack", "bot.notion"),
    ("export",): ("alembic", *SLACK, *SETTINGS, "holidays", "apscheduler", "bot.services"),
    ("manifest",): ("alembic", *SLACK, *SETTINGS, "holidays", "bot.store", "bot.services"),
    ("publish",): ("alembic", *SLACK, *SETTINGS, "holidays", "bot.store", "bot.wiring"),
    ("remind",): ("alembic", *SLACK, *SETTINGS, "holidays", "bot.store", "bot.wiring"),
    ("votes", "reconcile"): ("alembic", *SLACK, *SETTINGS, "holidays", "bot.store", "bot.wiring"),
    ("run",): ("alembic", *SLACK, *SETTINGS, "holidays", "bot.store", "bot.wiring", "bot.run"),
}

PROBE = """
import json, sys
from bot.__main__ import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _loaded(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    code, names = _probe(tmp_path, *args)
    return code, {n.split(".")[0] for n in names} | {_in_bot(n) for n in names}


def _probe(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    """Run the CLI with ``args`` in a fresh interpreter: its exit code and every module."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'studybot.db'}"
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return report["code"], report["modules"]


def _in_bot(name: str) -> str:
    """``bot.store.db`` -> ``bot.store``: the project's own packages by their first level."""
    return ".".join(name.split(".")[:2]) if name.startswith("bot.") else name.split(".")[0]


@pytest.mark.slow
@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_nothing_heavy(tmp_path: Path, flag: str) -> None:
    code, modules = _loaded(tmp_path, flag)
    assert code == 0
    assert not modules & set(HEAVY_FOR_HELP), sorted(modules & set(HEAVY_FOR_HELP))


@pytest.mark.slow
def test_preview_of_a_current_database_needs_no_alembic_nor_slack(tmp_path: Path) -> None:
    from bot.store import open_database

    open_database(f"sqlite:///{tmp_path / 'studybot.db'}").dispose()  # migrated once
    code, modules = _loaded(tmp_path, "preview", "--format", "json")
    assert code == 0
    assert not modules & set(HEAVY_FOR_PREVIEW), sorted(modules & set(HEAVY_FOR_PREVIEW))


# What a preview of a SQLite database must not load (issue #20): the ORM (~0.1 s; its reads
# are on Core, bot.store.reads), PostgreSQL's dialect (~35 ms) and the services.
NOT_FOR_A_SQLITE_PREVIEW = ("sqlalchemy.orm", "sqlalchemy.dialects.postgresql", "bot.services")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["md", "json"])
def test_preview_of_sqlite_needs_neither_the_orm_nor_postgresql(tmp_path: Path, fmt: str) -> None:
    from bot.store import open_database

    open_database(f"sqlite:///{tmp_path / 'studybot.db'}").dispose()  # migrated once
    code, names = _probe(tmp_path, "preview", "--format", fmt)
    assert code == 0
    found = sorted(n for n in names if n.startswith(NOT_FOR_A_SQLITE_PREVIEW))
    assert not found, found


@pytest.mark.slow
@pytest.mark.parametrize("args", list(NOT_LOADED), ids=" ".join)
def test_each_command_loads_only_what_it_needs(tmp_path: Path, args: tuple[str, ...]) -> None:
    from bot.store import open_database

    open_database(f"sqlite:///{tmp_path / 'studybot.db'}").dispose()  # migrated once
    code, modules = _loaded(tmp_path, *args)
    # publish, remind, votes and run are refused (no Slack token) before any Slack call.
    assert code == (2 if args[0] in ("publish", "remind", "votes", "run") else 0)
    assert not modules & set(NOT_LOADED[args]), sorted(modules & set(NOT_LOADED[args]))


def test_the_cli_exit_codes_are_the_failure_modules() -> None:
    import bot.__main__ as cli
    from bot import failures

    assert (cli.EXIT_FAILED, cli.EXIT_CONFIG) == (failures.EXIT_FAILED, failures.EXIT_CONFIG)
