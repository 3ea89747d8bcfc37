"""What several commands share: settings, the meeting-day check, the wired runtime."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

from bot.core.i18n import t

if TYPE_CHECKING:
    from bot.core.weeks import Cycle
    from bot.settings import Settings
    from bot.store import Repository
    from bot.store.reads import Reader
    from bot.wiring import Runtime

# The exit codes are bot.failures' (a test keeps them equal): that module is imported
# only when a command fails, since it brings in Slack's SDK.
EXIT_FAILED = 1
EXIT_CONFIG = 2


def not_a_meeting_day(settings: Settings, date: dt.date | None) -> bool:
    """Print why ``date`` cannot be a meeting (with the days that can) and say so."""
    from bot.core.weeks import WEEKDAYS, upcoming_meeting

    if date is None:  # before settings.cycle(): building the holiday calendar costs
        return False
    cycle = settings.cycle()
    if date.weekday() == cycle.meeting_weekday:
        return False
    first = upcoming_meeting(dt.datetime.now(dt.UTC), cycle)
    dates = ", ".join((first + dt.timedelta(weeks=n)).isoformat() for n in range(3))
    weekday = WEEKDAYS[cycle.meeting_weekday]
    text = t(settings.language, "cli_not_meeting_day", date=date, weekday=weekday, dates=dates)
    print(f"studybot: {text}", file=sys.stderr)
    return True


def skip_reason(
    settings: Settings, repo: Repository | Reader, cycle: Cycle, date: dt.date
) -> str | None:
    """Why ``date`` is not held (the organisers' words, or holiday/configured), or None."""
    if not cycle.is_skipped(date):
        return None
    meeting = repo.get_meeting(date)
    if meeting is not None and meeting.skipped and meeting.skip_reason:
        return meeting.skip_reason
    return t(settings.language, f"skip_reason_{cycle.skip_reason(date) or 'configured'}")


def print_problems(settings: Settings, problems: list[str]) -> bool:
    if problems:
        print(t(settings.language, "cfg_header"), file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    return bool(problems)


def runtime(settings: Settings) -> Runtime | None:
    """The wired bot for one CLI step, or None after printing what configuration is missing."""
    problems = [p for p in settings.problems_for_run() if not p.startswith("SLACK_SIGNING_SECRET")]
    if print_problems(settings, problems):
        return None
    _preflight(settings)
    from bot.wiring import build_runtime

    return build_runtime(settings)


def _preflight(settings: Settings) -> None:
    """One auth.test, without retries, before any work: a wrong or revoked token or an
    unreachable Slack fails in a second and by name, not after every call's retries."""
    from slack_sdk import WebClient

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base = (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else settings.slack_api_url + "/"
    )
    client = WebClient(token=token, base_url=base, timeout=10, retry_handlers=[])
    client.auth_test()
