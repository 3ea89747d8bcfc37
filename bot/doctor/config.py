"""Doctor's configuration check: every value `studybot run` needs."""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.i18n import t
from bot.doctor.report import Check, Doctor


def config_checks(ctx: Doctor) -> Iterator[Check]:
    problems = ctx.settings.problems_for_run()
    if not problems:
        yield ctx.check("config", True, t(ctx.lang, "config_ok"))
    for problem in problems:
        yield ctx.check("config", False, problem, t(ctx.lang, "config_fix"))
