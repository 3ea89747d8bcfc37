"""Doctor's clock check: this machine's clock against Slack's, and the coming meeting."""

from __future__ import annotations

import datetime as dt

from bot.core.i18n import t
from bot.core.weeks import assign_meeting
from bot.doctor.report import Check, Doctor

# A clock further than this from Slack's makes request signatures and schedules unreliable.
MAX_CLOCK_SKEW = dt.timedelta(minutes=2)
_WEEKDAYS_JA = "月火水木金土日"


def clock_check(ctx: Doctor, now: dt.datetime) -> Check:
    if ctx.server_date is not None and ctx.local_at_response is not None:
        skew = abs(ctx.local_at_response - ctx.server_date)
        if skew > MAX_CLOCK_SKEW:
            detail = t(ctx.lang, "clock_skew", seconds=int(skew.total_seconds()))
            return ctx.check("clock", False, detail, t(ctx.lang, "clock_skew_fix"))
    try:
        cycle = ctx.settings.cycle()
        assignment = assign_meeting(now, cycle)
    except ValueError as error:
        return ctx.check("clock", False, str(error), t(ctx.lang, "clock_error_fix"))
    meeting = cycle.meeting_start(assignment.meeting)
    publish = cycle.publish_at(assignment.meeting)
    detail = t(
        ctx.lang,
        "clock_ok",
        now=_when(ctx, now.astimezone(cycle.tz)) + f" {ctx.settings.timezone}",
        meeting=_when(ctx, meeting),
        publish=_when(ctx, publish),
        late=t(ctx.lang, "clock_late") if assignment.late else "",
    )
    return ctx.check("clock", True, detail)


def _when(ctx: Doctor, moment: dt.datetime) -> str:
    day = _WEEKDAYS_JA[moment.weekday()] if ctx.lang == "ja" else moment.strftime("%a")
    return f"{moment:%Y-%m-%d} ({day}) {moment:%H:%M}"
