"""Doctor's configuration check: every value `studybot run` needs, GROUPS_FILE included."""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.i18n import t
from bot.doctor.report import Check, Doctor
from bot.settings import ConfigError


def config_checks(ctx: Doctor) -> Iterator[Check]:
    from bot.groups import load_groups, served_settings

    problems = ctx.settings.problems_for_run()
    try:
        groups = load_groups(ctx.settings)
        served_settings(ctx.settings)  # the same refusals as `studybot run`
    except ConfigError as error:
        problems += error.lines
    else:
        if ctx.settings.groups_file is not None:
            ids = ", ".join(group.id for group in groups)
            yield ctx.check("config", True, t(ctx.lang, "grp_ok", count=len(groups), ids=ids))
    if not problems:
        yield ctx.check("config", True, t(ctx.lang, "config_ok"))
    for problem in problems:
        yield ctx.check("config", False, problem, t(ctx.lang, "config_fix"))
