"""`studybot publish`, `remind` and `votes reconcile`: one step of the week, wired fully."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from bot.cli.common import EXIT_CONFIG, not_a_meeting_day, runtime
from bot.core.i18n import t

if TYPE_CHECKING:
    from bot.settings import Settings


def cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    if not_a_meeting_day(settings, args.date):
        return EXIT_CONFIG
    wired = runtime(settings)
    if wired is None:
        return 2
    lang = settings.language
    try:
        reason = wired.cycle.skipped_reason(args.date) if args.date else None
        if reason is not None:
            print(t(lang, "cli_meeting_skipped", date=args.date.isoformat(), reason=reason))
            return 0
        print(t(lang, "cli_publishing"), file=sys.stderr, flush=True)
        report = wired.cycle.publish(args.date)
    finally:
        wired.close()
    if report.skipped == "skipped":
        why = t(lang, "skip_reason_configured")
        print(t(lang, "cli_meeting_skipped", date=report.meeting.isoformat(), reason=why))
        return 0
    if report.skipped == "busy":
        since = report.held_since.isoformat(timespec="seconds") if report.held_since else "?"
        holder = report.holder or "?"
        date = report.meeting.isoformat()
        print(t(lang, "cli_publish_busy", date=date, holder=holder, since=since))
        return 1
    if report.skipped:
        print(t(lang, "cli_publish_skipped", date=report.meeting.isoformat(), why=report.skipped))
        return 1
    print(t(lang, "cli_published", date=report.meeting.isoformat(), topics=report.topics))
    for c in report.corrections:
        print(f"  ↻ {c.title}: {c.votes} (+{len(c.added)} -{len(c.removed)})")
    if report.notion_url:
        print(f"  Notion: {report.notion_url}")
    failed = False
    if report.notion_error:
        print(t(lang, "cli_notion_failed", error=report.notion_error))
        failed = True
    if report.slack_error:
        print(t(lang, "cli_slack_failed", error=report.slack_error))
        channel = settings.study_channel or ""
        from bot.failures import slack_refusal

        refusal = slack_refusal(report.slack_error, "chat.postMessage", lang, channel)
        for line in refusal.lines(lang):
            print(line, file=sys.stderr)
        failed = True
    return 1 if failed else 0


def cmd_remind(settings: Settings, args: argparse.Namespace) -> int:
    wired = runtime(settings)
    if wired is None:
        return 2
    lang = settings.language
    try:
        skipped = wired.cycle.skipped_this_week()
        if skipped is not None:
            reason = wired.cycle.skipped_reason(skipped) or ""
            print(t(lang, "cli_meeting_skipped", date=skipped.isoformat(), reason=reason))
            return 0
        sent = wired.cycle.remind()
    finally:
        wired.close()
    print(t(lang, "cli_reminded" if sent else "cli_not_reminded"))
    return 0


def cmd_votes(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.weeks import upcoming_meeting

    if not_a_meeting_day(settings, args.date):
        return EXIT_CONFIG
    wired = runtime(settings)
    if wired is None:
        return 2
    from bot.slack.reactions import SlackReactions

    try:
        meeting = args.date or upcoming_meeting(dt.datetime.now(dt.UTC), wired.topics.cycle)
        corrections = wired.votes.reconcile(meeting, SlackReactions(wired.client))
    finally:
        wired.close()
    lang = settings.language
    print(t(lang, "cli_reconciled", date=meeting.isoformat(), count=len(corrections)))
    for c in corrections:
        print(f"  ↻ {c.title}: {c.votes} (+{len(c.added)} -{len(c.removed)})")
    return 0
