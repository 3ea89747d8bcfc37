"""Exporting the archive: every meeting as re-importable Markdown, or one CSV row per topic."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.core.agenda import (
    DEFAULT_GROUP_NAME,
    Agenda,
    agenda_order,
    compile_agenda,
    note_line,
    render_markdown,
)
from bot.core.i18n import Language
from bot.core.model import Note, Topic
from bot.store import Repository

CSV_COLUMNS = (
    "meeting",
    "tag",
    "title",
    "url",
    "presenter",
    "presenter_id",
    "votes",
    "status",
    "submitted_at",
    "notes",
)


def render_meeting_markdown(agenda: Agenda, lang: Language = "ja") -> str:
    """One meeting, exactly as the bot renders agendas (so the import reads it back)."""
    return render_markdown(agenda, lang)


def archive_agendas(
    repo: Repository, since: dt.date | None = None, group_name: str = DEFAULT_GROUP_NAME
) -> list[Agenda]:
    """Every meeting with topics (on or after ``since``), newest first, in agenda order."""
    by_meeting: dict[dt.date, list[Topic]] = {}
    for topic in repo.all_topics(since):
        by_meeting.setdefault(topic.meeting, []).append(topic)
    return [
        compile_agenda(meeting, by_meeting[meeting], group_name)
        for meeting in sorted(by_meeting, reverse=True)
    ]


def export_markdown(
    repo: Repository,
    since: dt.date | None = None,
    *,
    lang: Language = "ja",
    group_name: str = DEFAULT_GROUP_NAME,
) -> str:
    """Every meeting, newest first, as Markdown the import reads back; "" when empty."""
    return "\n".join(
        render_meeting_markdown(agenda, lang) for agenda in archive_agendas(repo, since, group_name)
    )


def notes_text(notes: tuple[Note, ...]) -> str:
    """Notes as one text cell: a ``- `` line each, indented two spaces per level."""
    return "\n".join(note_line(note) for note in notes)


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` made inert for spreadsheets: a leading ``'`` when it could start a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def export_csv(repo: Repository, since: dt.date | None = None) -> str:
    """One row per topic (columns :data:`CSV_COLUMNS`), newest meeting first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for agenda in archive_agendas(repo, since):
        for topic in agenda_order(agenda):
            writer.writerow(
                (
                    topic.meeting.isoformat(),
                    csv_cell(topic.tag),
                    csv_cell(topic.title),
                    csv_cell(topic.url),
                    csv_cell(topic.presenter.name),
                    csv_cell(topic.presenter.user_id),
                    topic.votes,
                    topic.status.value,
                    topic.submitted_at.isoformat(),
                    csv_cell(notes_text(topic.notes)),
                )
            )
    return out.getvalue()
