"""Exporting the archive: every meeting as re-importable Markdown, or one CSV row per topic."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.core.agenda import DEFAULT_GROUP_NAME, Agenda, agenda_order, compile_agenda
from bot.core.i18n import Language, t
from bot.core.markup import markdown_link, segments
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


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _md_title(title: str) -> str:
    # Backslashes too (unlike render_markdown), so a title ending in one still parses back.
    escaped = title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return _one_line(escaped)


def _md_note(note: Note) -> str:
    text = "".join(
        markdown_link(seg.text, seg.url) if seg.url and seg.text != seg.url else seg.text
        for seg in segments(_one_line(note.text))
    )
    return f"{'  ' * note.depth}- {text}"


def render_meeting_markdown(agenda: Agenda, lang: Language = "ja") -> str:
    """One meeting in the shape of :func:`bot.core.agenda.render_markdown`.

    The one difference: a topic without a source (imported from a text export) shows
    its title unlinked instead of an empty ``[title]()`` link.
    """
    lines = [f"# {agenda.title}", "", f"## {t(lang, 'agenda_title')}", ""]
    lines += [f"> {line}" for line in t(lang, "rules").split("\n")]
    lines.append("")
    if not agenda.sections:
        lines += [t(lang, "no_topics"), ""]
    for section in agenda.sections:
        lines += [f"### @{_one_line(section.presenter.name)}", ""]
        for topic in section.topics:
            late = t(lang, "late_addition") if topic.late else ""
            title = _md_title(topic.title)
            shown = f"[{title}]({topic.url})" if topic.url else title
            votes = t(lang, "votes_suffix", votes=topic.votes)
            lines.append(f"[{topic.tag}] {shown} {votes}{late}")
            lines += [_md_note(note) for note in topic.notes]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


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
    return "\n".join(_md_note(note) for note in notes)


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
                    topic.tag,
                    topic.title,
                    topic.url,
                    topic.presenter.name,
                    topic.presenter.user_id,
                    topic.votes,
                    topic.status.value,
                    topic.submitted_at.isoformat(),
                    notes_text(topic.notes),
                )
            )
    return out.getvalue()
