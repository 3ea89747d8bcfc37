"""The `studybot` command line: one module per group of subcommands.

Each command's module, and what it needs, is imported only when that command runs:
`--help` and `--version` stay free of pydantic, SQLAlchemy and Slack's SDK, `preview`
loads no Slack SDK, and nothing loads Alembic unless a migration must run (bot.store.db).
tests/test_cli_startup.py checks the module lists in a fresh interpreter.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.cli.common import EXIT_CONFIG, EXIT_FAILED
from bot.cli.parser import make_parser, version
from bot.core.i18n import t
from bot.lang import language_hint

if TYPE_CHECKING:
    import argparse

    from bot.settings import Settings

__all__ = ["COMMANDS", "EXIT_CONFIG", "EXIT_FAILED", "main", "version"]

# command -> (module, function): the module is imported when the command runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("bot.cli.getting_started", "cmd_demo"),
    "manifest": ("bot.cli.getting_started", "cmd_manifest"),
    "preview": ("bot.cli.views", "cmd_preview"),
    "status": ("bot.cli.views", "cmd_status"),
    "run": ("bot.cli.serve", "cmd_run"),
    "doctor": ("bot.cli.serve", "cmd_doctor"),
    "publish": ("bot.cli.steps", "cmd_publish"),
    "remind": ("bot.cli.steps", "cmd_remind"),
    "votes": ("bot.cli.steps", "cmd_votes"),
    "import": ("bot.archive.cli", "run_import"),
    "export": ("bot.archive.cli", "run_export"),
}
# The demo and read-only commands talk to a person: their progress lines are enough.
_QUIET = ("demo", "preview", "manifest", "export", "import", "doctor", "status")


def command(name: str) -> Callable[[Settings, argparse.Namespace], int]:
    """The function that runs command ``name`` (importing its module now)."""
    module, function = COMMANDS[name]
    found: Callable[[Settings, argparse.Namespace], int] = getattr(
        importlib.import_module(module), function
    )
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 0 done, 1 failed, 2 configuration (README)."""
    lang = language_hint()
    args = make_parser(lang).parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    from bot.settings import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as error:
        print(t(error.lang, "cfg_header"), file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return EXIT_CONFIG
    from bot.logs import redact, setup_logging

    secrets = settings.secret_values()
    setup_logging(
        settings.log_format,
        secrets,
        logging.WARNING if args.command in _QUIET else logging.INFO,
        # A person reads one line per problem; the bot's own log keeps its stack traces.
        tracebacks=debug or args.command == "run",
    )
    try:
        return command(args.command)(settings, args)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as error:
        if debug:
            import traceback

            traceback.print_exc()
        from bot.failures import explain

        failure = explain(
            error,
            settings.language,
            slack_url=settings.slack_api_url,
            notion_url=settings.notion_api_url,
            channel=settings.study_channel or "",
        )
        for line in failure.lines(settings.language):
            print(redact(line, secrets), file=sys.stderr)
        return failure.code
