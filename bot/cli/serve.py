"""`studybot run` (the bot itself) and `studybot doctor` (its checks)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.common import EXIT_CONFIG, print_problems

if TYPE_CHECKING:
    from bot.settings import Settings


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    if print_problems(settings, settings.problems_for_run()):
        return EXIT_CONFIG
    from bot.run import run

    return run(settings)


def cmd_doctor(settings: Settings, args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor

    return run_doctor(settings)
