"""`studybot doctor`: check the configuration, Slack, Notion, the database and the clock.

One module per group of checks (config, slack, notion, database, clock), run in that order;
each yields report lines (`Check`) and reads the settings from one shared `Doctor`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from bot.core.clock import utc_now as _utcnow
from bot.core.i18n import t
from bot.doctor.clock import MAX_CLOCK_SKEW, clock_check
from bot.doctor.config import config_checks
from bot.doctor.database import database_check
from bot.doctor.notion import notion_checks
from bot.doctor.report import Check, Doctor
from bot.doctor.slack import AUTH_ERRORS, slack_checks
from bot.logs import redact
from bot.settings import Settings

__all__ = ["AUTH_ERRORS", "MAX_CLOCK_SKEW", "Check", "Out", "checks", "run_doctor"]

Out = Callable[[str], None]


def run_doctor(
    settings: Settings,
    *,
    out: Out = print,
    now: dt.datetime | None = None,
    timeout: float = 10.0,
) -> int:
    """Print one line per check; 0 when every check passes, 1 otherwise."""
    # The clock is looked up here, at the call, so a test can set this module's _utcnow.
    doctor = Doctor(settings, timeout=timeout, clock=_utcnow)
    failures = 0
    for check in checks(doctor, now or _utcnow()):
        out(redact(check.line(), doctor.secrets))
        failures += not check.ok
    lang = settings.language
    out(t(lang, "all_ok") if failures == 0 else t(lang, "failed", count=failures))
    return 0 if failures == 0 else 1


def checks(doctor: Doctor, now: dt.datetime) -> Iterator[Check]:
    """Every check in report order; the clock comes last, after Slack's Date header is seen."""
    yield from config_checks(doctor)
    yield from slack_checks(doctor)
    yield from notion_checks(doctor)
    yield database_check(doctor)
    yield clock_check(doctor, now)
