"""`studybot run` (the bot itself) and `studybot doctor` (its checks)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING

from bot.cli.common import EXIT_CONFIG, print_problems

if TYPE_CHECKING:
    from bot.settings import Settings


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.groups import SeveralGroupsError, served_settings
    from bot.settings import ConfigError

    try:
        settings = served_settings(settings)  # GROUPS_FILE's one group, or the variables'
    except SeveralGroupsError as error:
        print(f"studybot: {error.lines[0]}", file=sys.stderr)
        return EXIT_CONFIG
    except ConfigError as error:
        print_problems(settings, error.lines)
        return EXIT_CONFIG
    if print_problems(settings, settings.problems_for_run()):
        return EXIT_CONFIG
    from bot.run import run

    return run(settings)


def cmd_doctor(settings: Settings, args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor
    from bot.groups import served_settings
    from bot.settings import ConfigError

    # One group in GROUPS_FILE: check what run would serve; otherwise the config check says why.
    with contextlib.suppress(ConfigError):
        settings = served_settings(settings)
    return run_doctor(settings)
