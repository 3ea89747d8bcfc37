"""`studybot preview` and `studybot status`: read-only views of the database."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
from typing import TYPE_CHECKING

from bot.cli.common import EXIT_CONFIG, not_a_meeting_day, skip_reason
from bot.core.i18n import t

if TYPE_CHECKING:
    from bot.settings import Settings


def cmd_preview(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.agenda import agenda_order, compile_agenda, render_markdown
    from bot.core.slots import slots_json
    from bot.core.weeks import upcoming_meeting
    from bot.store import open_database
    from bot.store.reads import Reader

    if not_a_meeting_day(settings, args.date):
        return EXIT_CONFIG
    database = open_database(settings.database_url)
    try:
        # Core reads only: the ORM and the services cost ~0.15 s of a preview (#20).
        repo = Reader(database)
        base = settings.cycle()
        # Skips organisers set in Slack live in the database, not in the settings: what
        # bot.services.calendar.SkipRegistry adds to the holidays, read once here.
        held_back = repo.skipped_dates()
        cycle = dataclasses.replace(
            base, is_holiday=lambda date: date in held_back or base.is_holiday(date)
        )
        meeting = args.date or upcoming_meeting(dt.datetime.now(dt.UTC), cycle)
        skipped = skip_reason(settings, repo, cycle, meeting)
        agenda = compile_agenda(
            meeting,
            repo.topics_for_meeting(meeting),
            settings.group_name,
            meeting_minutes=settings.meeting_minutes,
            start=cycle.meeting_time,
        )
    finally:
        database.dispose()
    if skipped is not None:
        if args.format == "json":
            data: dict[str, object] = {"meeting": meeting.isoformat(), "skipped": skipped}
            data["topics"] = []
            data["slots"] = []
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
    data = {"meeting": meeting.isoformat(), "topics": topics, "slots": slots_json(agenda.schedule)}
    print(json.dumps(data, ensure_ascii=False))
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    """Where the week stands, from the database only (right across replicas)."""
    from bot.jobs import reminder_trigger
    from bot.services.cycle import SkipRegistry
    from bot.status import collect_status
    from bot.store import Repository, open_database

    database = open_database(settings.database_url)
    try:
        repo = Repository(database)
        base = settings.cycle()
        cycle = dataclasses.replace(base, is_holiday=SkipRegistry(repo, base.is_holiday))
        trigger = reminder_trigger(settings.reminder_cron, cycle)
        status = collect_status(
            repo,
            cycle,
            now=dt.datetime.now(dt.UTC),
            next_reminder=lambda now: trigger.get_next_fire_time(None, now),
            skip_reason=lambda date: skip_reason(settings, repo, cycle, date) or "",
            roster=settings.roster,
            notion=settings.notion_enabled,
            group_name=settings.group_name,
        )
    finally:
        database.dispose()
    if args.format == "json":
        print(json.dumps(status.to_json(), ensure_ascii=False))
    else:
        print("\n".join(status.lines(settings.language)))
    return 0
