"""Composition root and command line: settings -> store -> services -> adapters."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.archive.cli import add_commands, run_export, run_import
from bot.core.agenda import agenda_order, compile_agenda, render_markdown
from bot.core.i18n import t
from bot.settings import ConfigError, Settings, load_settings
from bot.store.db import DatabaseError

if TYPE_CHECKING:
    from bot.core.weeks import Cycle
    from bot.store import Repository
    from bot.wiring import Runtime


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot", description="Slack bot for a weekly ML study group (勉強会)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="compile a sample week's agenda offline (no accounts)")
    demo.add_argument("--out", default="demo-output", help="directory for the output files")
    preview = sub.add_parser("preview", help="show the coming agenda as it stands (read only)")
    preview.add_argument("--date", type=dt.date.fromisoformat, help="meeting date YYYY-MM-DD")
    preview.add_argument("--format", choices=("md", "json"), default="md")
    manifest = sub.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument("--http", metavar="URL", help="HTTP mode: public base URL of the bot")
    sub.add_parser("run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
    publish = sub.add_parser("publish", help="publish (or update) a meeting's agenda now")
    publish.add_argument("--date", type=dt.date.fromisoformat, help="meeting date YYYY-MM-DD")
    sub.add_parser("remind", help="send the reminder for the coming meeting now")
    votes = sub.add_parser("votes", help="vote maintenance")
    votes_sub = votes.add_subparsers(dest="votes_command", required=True)
    reconcile = votes_sub.add_parser("reconcile", help="rebuild tallies from Slack reactions")
    reconcile.add_argument("--date", type=dt.date.fromisoformat, help="meeting date YYYY-MM-DD")
    sub.add_parser("doctor", help="check the configuration, Slack, Notion, database and clock")
    add_commands(sub)
    return parser


def _settings() -> Settings:
    return load_settings()


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    lang = settings.language
    result = run_demo(
        Path(args.out),
        lang=lang,
        group_name=settings.group_name,
        cycle=settings.cycle(),
        stream=sys.stderr,
    )
    print(result.markdown)
    if result.rejected:
        print(t(lang, "demo_rejected"), file=sys.stderr)
        for first_line, reasons in result.rejected:
            print(f"  ✗ {first_line}", file=sys.stderr)
            for reason in reasons:
                print(f"      {reason}", file=sys.stderr)
    print(t(lang, "demo_written"), file=sys.stderr)
    for path in result.files:
        print(f"  {path}", file=sys.stderr)
    return 0


def cmd_preview(settings: Settings, args: argparse.Namespace) -> int:
    import dataclasses

    from bot.core.weeks import upcoming_meeting
    from bot.services.cycle import SkipRegistry
    from bot.store import Repository, open_database

    database = open_database(settings.database_url)
    try:
        repo = Repository(database)
        base = settings.cycle()
        # Skips organisers set in Slack live in the database, not in the settings.
        cycle = dataclasses.replace(base, is_holiday=SkipRegistry(repo, base.is_holiday))
        meeting = args.date or upcoming_meeting(dt.datetime.now(dt.UTC), cycle)
        skipped = _skip_reason(settings, repo, cycle, meeting)
        agenda = compile_agenda(meeting, repo.topics_for_meeting(meeting), settings.group_name)
    finally:
        database.dispose()
    if skipped is not None:
        if args.format == "json":
            data: dict[str, object] = {"meeting": meeting.isoformat(), "skipped": skipped}
            data["topics"] = []
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(
                t(
                    settings.language,
                    "cli_meeting_skipped",
                    date=meeting.isoformat(),
                    reason=skipped,
                )
            )
        return 0
    if args.format == "md":
        print(render_markdown(agenda, settings.language), end="")
        return 0
    topics = [
        {
            "tag": topic.tag,
            "title": topic.title,
            "url": topic.url,
            "presenter": topic.presenter.name,
            "presenter_id": topic.presenter.user_id,
            "votes": topic.votes,
            "notes": [{"text": note.text, "depth": note.depth} for note in topic.notes],
            "submitted_at": topic.submitted_at.isoformat(),
        }
        for topic in agenda_order(agenda)
    ]
    print(json.dumps({"meeting": meeting.isoformat(), "topics": topics}, ensure_ascii=False))
    return 0


def _skip_reason(settings: Settings, repo: Repository, cycle: Cycle, date: dt.date) -> str | None:
    """Why ``date`` is not held (the organisers' words, or holiday/configured), or None."""
    if not cycle.is_skipped(date):
        return None
    meeting = repo.get_meeting(date)
    if meeting is not None and meeting.skipped and meeting.skip_reason:
        return meeting.skip_reason
    return t(settings.language, f"skip_reason_{cycle.skip_reason(date) or 'configured'}")


def cmd_manifest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.slack.manifest import manifest_yaml

    print(manifest_yaml(args.http), end="")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    problems = settings.problems_for_run()
    if problems:
        print("studybot: configuration problems:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 2
    from bot.run import run

    return run(settings)


def cmd_doctor(settings: Settings, args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor

    return run_doctor(settings)


def _runtime(settings: Settings) -> Runtime | None:
    """The wired bot for one CLI step, or None after printing what configuration is missing."""
    problems = [p for p in settings.problems_for_run() if not p.startswith("SLACK_SIGNING_SECRET")]
    if problems:
        print("studybot: configuration problems:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return None
    from bot.wiring import build_runtime

    return build_runtime(settings)


def cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    runtime = _runtime(settings)
    if runtime is None:
        return 2
    lang = settings.language
    try:
        reason = runtime.cycle.skipped_reason(args.date) if args.date else None
        if reason is not None:
            print(t(lang, "cli_meeting_skipped", date=args.date.isoformat(), reason=reason))
            return 0
        print(t(lang, "cli_publishing"), file=sys.stderr, flush=True)
        report = runtime.cycle.publish(args.date)
    finally:
        runtime.close()
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
        failed = True
    return 1 if failed else 0


def cmd_remind(settings: Settings, args: argparse.Namespace) -> int:
    runtime = _runtime(settings)
    if runtime is None:
        return 2
    lang = settings.language
    try:
        skipped = runtime.cycle.skipped_this_week()
        if skipped is not None:
            reason = runtime.cycle.skipped_reason(skipped) or ""
            print(t(lang, "cli_meeting_skipped", date=skipped.isoformat(), reason=reason))
            return 0
        sent = runtime.cycle.remind()
    finally:
        runtime.close()
    print(t(lang, "cli_reminded" if sent else "cli_not_reminded"))
    return 0


def cmd_votes(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.weeks import upcoming_meeting
    from bot.slack.reactions import SlackReactions

    runtime = _runtime(settings)
    if runtime is None:
        return 2
    try:
        meeting = args.date or upcoming_meeting(dt.datetime.now(dt.UTC), runtime.topics.cycle)
        corrections = runtime.votes.reconcile(meeting, SlackReactions(runtime.client))
    finally:
        runtime.close()
    lang = settings.language
    print(t(lang, "cli_reconciled", date=meeting.isoformat(), count=len(corrections)))
    for c in corrections:
        print(f"  ↻ {c.title}: {c.votes} (+{len(c.added)} -{len(c.removed)})")
    return 0


COMMANDS = {
    "demo": cmd_demo,
    "preview": cmd_preview,
    "manifest": cmd_manifest,
    "run": cmd_run,
    "publish": cmd_publish,
    "remind": cmd_remind,
    "votes": cmd_votes,
    "doctor": cmd_doctor,
    "import": run_import,
    "export": run_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings()
    except ConfigError as error:
        print("studybot: configuration problems:", file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return 2
    from bot.logs import setup_logging

    secrets = [
        value.get_secret_value()
        for value in (
            settings.slack_bot_token,
            settings.slack_app_token,
            settings.slack_signing_secret,
            settings.notion_token,
        )
        if value is not None
    ]
    # The demo and read-only commands talk to a person: their progress lines are enough.
    quiet = args.command in ("demo", "preview", "manifest", "export", "import", "doctor")
    setup_logging(settings.log_format, secrets, logging.WARNING if quiet else logging.INFO)
    try:
        return COMMANDS[args.command](settings, args)
    except DatabaseError as error:
        print(f"studybot: DATABASE_URL: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
